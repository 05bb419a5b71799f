using Brindle.Platform;

namespace Brindle.Dataplane.Tests.Support;

/// <summary>
/// Fake <see cref="ICommandRunner"/> that records every command and answers from a handler. The default handler
/// models an empty kernel: <c>nft list</c> says the table does not exist, everything else succeeds.
/// </summary>
internal sealed class RecordingCommandRunner(Func<CommandSpec, CommandResult>? handler = null) : ICommandRunner
{
    public List<CommandSpec> Commands { get; } = [];

    public IEnumerable<string> NftScripts => Commands.Where(c => c.FileName == "nft" && c.Arguments.Contains("-f")).Select(c => c.StandardInput ?? "");

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
    {
        lock (Commands) Commands.Add(command);   // Prepare reads on the thread pool
        return Task.FromResult((handler ?? Default)(command));
    }

    public static CommandResult Default(CommandSpec command) =>
        command.FileName == "nft" && command.Arguments.Contains("list")
            ? new CommandResult(1, "", "Error: No such file or directory\nlist table inet brindle")
            : command.FileName == "ip" && command.Arguments.Contains("-j")
                ? new CommandResult(0, "[]", "")
                : new CommandResult(0, "", "");
}
