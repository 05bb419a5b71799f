using Brindle.Dataplane.Tests.Support;
using Brindle.Lab.TestBed;
using Brindle.Platform;

namespace Brindle.Dataplane.Tests.Privileged;

public sealed class LibNftablesRunnerTests
{
    [PrivilegedFact]
    public async Task Transaction_RunsInProcessInsideTheNamedNamespace_OtherCommandsGoToTheInnerRunner()
    {
        Assert.True(LibNftablesRunner.Available, "libnftables.so.1 (Debian libnftables1, installed with nftables) is missing");
        await using var bed = await NamespaceTestBed.CreateAsync("dpl");
        var node = await bed.CreateNodeAsync("n");
        var table = $"brindle_libnft_{Environment.ProcessId}";
        var recording = new RecordingCommandRunner(c => ProcessCommandRunner.Instance.RunAsync(c).GetAwaiter().GetResult());
        using var runner = new LibNftablesRunner(recording);

        var result = await runner.RunAsync(CommandSpec.Of("nft", "-f", "-").WithInput($"add table inet {table}\nadd chain inet {table} c\n").InNamespace(node.Namespace));
        var listing = await runner.RunAsync(CommandSpec.Of("nft", "list", "table", "inet", table).InNamespace(node.Namespace));

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Contains("chain c", listing.StandardOutput, StringComparison.Ordinal);   // the kernel of that namespace has it
        Assert.Equal(["list"], recording.Commands.Select(c => c.Arguments[0]));          // only the listing went to a process
        var own = await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("nft", "list", "table", "inet", table));
        Assert.False(own.Succeeded);                                                       // and the caller's namespace has not
    }

    [PrivilegedFact]
    public async Task Transaction_BadScript_FailsWithNftsErrorText_AndChangesNothing_ConcurrentOnesBothApply()
    {
        await using var bed = await NamespaceTestBed.CreateAsync("dpl");
        var node = await bed.CreateNodeAsync("n");
        using var runner = new LibNftablesRunner(ProcessCommandRunner.Instance);
        CommandSpec Nft(string script) => CommandSpec.Of("nft", "-f", "-").WithInput(script).InNamespace(node.Namespace);

        var bad = await runner.RunAsync(Nft("add table inet good\nadd chain inet good c { this is not nft }\n"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Error", bad.StandardError, StringComparison.Ordinal);
        Assert.False((await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("nft", "list", "table", "inet", "good").InNamespace(node.Namespace))).Succeeded);

        var both = await Task.WhenAll(runner.RunAsync(Nft("add table inet a\n")), runner.RunAsync(Nft("add table inet b\n")), runner.RunAsync(Nft("add table inet c\n")));
        Assert.All(both, r => Assert.True(r.Succeeded, r.StandardError));
        var tables = (await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("nft", "list", "tables").InNamespace(node.Namespace))).StandardOutput;
        Assert.Equal(["table inet a", "table inet b", "table inet c"], tables.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [PrivilegedFact]
    public async Task Transaction_LargerThanTheLimit_RunsAsAProgram()
    {
        await using var bed = await NamespaceTestBed.CreateAsync("dpl");
        var node = await bed.CreateNodeAsync("n");
        var recording = new RecordingCommandRunner(c => ProcessCommandRunner.Instance.RunAsync(c).GetAwaiter().GetResult());
        using var runner = new LibNftablesRunner(recording, maxInProcessBytes: 64);
        CommandSpec Nft(string script) => CommandSpec.Of("nft", "-f", "-").WithInput(script).InNamespace(node.Namespace);

        Assert.True((await runner.RunAsync(Nft("add table inet small\n"))).Succeeded);
        Assert.True((await runner.RunAsync(Nft("add table inet large { comment \"" + new string('x', 80) + "\"; }\n"))).Succeeded);

        Assert.Equal([Nft("add table inet large { comment \"" + new string('x', 80) + "\"; }\n").StandardInput], recording.NftScripts);
    }

    [PrivilegedFact]
    public async Task Transaction_MissingNamespace_IsOneClearFailure()
    {
        using var runner = new LibNftablesRunner(ProcessCommandRunner.Instance);

        var result = await runner.RunAsync(CommandSpec.Of("nft", "-f", "-").WithInput("add table inet x\n").InNamespace($"dpl-{Environment.ProcessId}-missing"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot enter network namespace", result.StandardError, StringComparison.Ordinal);
    }
}
