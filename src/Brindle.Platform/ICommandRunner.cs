namespace Brindle.Platform;

/// <summary>
/// Port for running an external program (nft, ip, birdc, …). Logic projects take this interface so that
/// tests can substitute a recording fake; the real implementation is <see cref="ProcessCommandRunner"/>.
/// </summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="command"/> to completion. Never throws for a non-zero exit: the caller reads <see cref="CommandResult.ExitCode"/>.</summary>
    Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default);
}

/// <summary>A program, its arguments, optional standard input, and optionally the network namespace to run it in.</summary>
public sealed record CommandSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Text written to the program's standard input, then closed. Null: stdin is closed at once.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Named network namespace (as listed by <c>ip netns list</c>) to run in; null runs in the caller's namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Kill the program if it runs longer than this. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public static CommandSpec Of(string fileName, params string[] arguments) => new(fileName, arguments);

    public CommandSpec InNamespace(string? ns) => this with { Namespace = ns };

    public CommandSpec WithInput(string input) => this with { StandardInput = input };

    /// <summary>The command line as a user would type it, for error messages and logs.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Namespace is not null) parts.AddRange(["ip", "netns", "exec", Namespace]);
        parts.Add(FileName);
        parts.AddRange(Arguments);
        return string.Join(' ', parts.Select(p => p.Length == 0 || p.Any(char.IsWhiteSpace) ? $"'{p}'" : p));
    }
}

/// <summary>Outcome of a finished command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws <see cref="CommandFailedException"/> unless the exit code is 0.</summary>
    public CommandResult EnsureSuccess(CommandSpec command) =>
        Succeeded ? this : throw new CommandFailedException(command, this);
}

/// <summary>An external command exited non-zero (or timed out). The message quotes the command and its stderr.</summary>
public sealed class CommandFailedException(CommandSpec command, CommandResult result)
    : Exception($"'{command}' failed with exit code {result.ExitCode}: {FirstLines(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)}")
{
    public CommandSpec Command { get; } = command;
    public CommandResult Result { get; } = result;

    private static string FirstLines(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 2000 ? trimmed : trimmed[..2000] + " …";
    }
}
