using Brindle.Bgp.Ports;
using Brindle.Platform;

namespace Brindle.Bgp.Supervisor.Tests;

/// <summary>State-in/state-out tests of the supervisor against fakes that behave like bird/birdc.</summary>
public sealed class BirdSupervisorTests
{
    private static readonly BirdInstance Instance = BirdInstance.InDirectory("/run/brindle/bird", "ns-a");

    [Fact]
    public async Task Apply_NotRunning_ChecksWritesAndStarts()
    {
        var (supervisor, bird, files) = Create();

        var result = await supervisor.ApplyAsync("config v1");

        Assert.Equal(BirdApplyOutcome.Started, result.Outcome);
        Assert.Equal("config v1", files.ReadText(Instance.ConfigPath));
        Assert.Null(files.ReadText(Instance.CandidatePath));
        Assert.Equal(["bird -p", "bird start in ns-a", "birdc show status"], bird.Calls);
    }

    [Fact]
    public async Task Apply_SameText_NothingRunButUnchanged()
    {
        var (supervisor, bird, _) = Create();
        await supervisor.ApplyAsync("config v1");
        bird.Calls.Clear();

        Assert.Equal(BirdApplyOutcome.Unchanged, (await supervisor.ApplyAsync("config v1")).Outcome);
        Assert.Empty(bird.Calls);
    }

    [Fact]
    public async Task Apply_ChangedText_Reconfigures()
    {
        var (supervisor, bird, files) = Create();
        await supervisor.ApplyAsync("config v1");

        Assert.Equal(BirdApplyOutcome.Reconfigured, (await supervisor.ApplyAsync("config v2")).Outcome);
        Assert.Equal("config v2", files.ReadText(Instance.ConfigPath));
        Assert.Equal("birdc configure", bird.Calls[^1]);
    }

    [Fact]
    public async Task Apply_ParseError_KeepsOldFileAndDoesNotReload()
    {
        var (supervisor, bird, files) = Create();
        await supervisor.ApplyAsync("config v1");
        bird.Calls.Clear();

        var result = await supervisor.ApplyAsync("config GARBAGE");

        Assert.Equal(BirdApplyOutcome.Rejected, result.Outcome);
        Assert.Contains("/run/brindle/bird/bird.conf:1:8 syntax error", result.Error, StringComparison.Ordinal);
        Assert.Equal("config v1", files.ReadText(Instance.ConfigPath));
        Assert.Equal(["bird -p"], bird.Calls);
    }

    [Fact]
    public async Task Apply_ConfigureRefused_RestoresPreviousFile()
    {
        var (supervisor, bird, files) = Create();
        await supervisor.ApplyAsync("config v1");
        bird.RefuseConfigure = true;

        var result = await supervisor.ApplyAsync("config v2");

        Assert.Equal(BirdApplyOutcome.Rejected, result.Outcome);
        Assert.Equal("config v1", files.ReadText(Instance.ConfigPath));
    }

    [Fact]
    public async Task EnsureRunning_AfterCrash_RestartsOnceThenIdle()
    {
        var (supervisor, bird, _) = Create();
        await supervisor.ApplyAsync("config v1");
        bird.Crash();

        Assert.True(await supervisor.EnsureRunningAsync());
        Assert.False(await supervisor.EnsureRunningAsync());
        Assert.NotNull(supervisor.RunningPid());
    }

    [Fact]
    public async Task EnsureRunning_NoConfigYet_DoesNotStart()
    {
        var (supervisor, bird, _) = Create();
        Assert.False(await supervisor.EnsureRunningAsync());
        Assert.Empty(bird.Calls);
    }

    [Fact]
    public async Task Stop_Running_TerminatesByPid()
    {
        var (supervisor, bird, _) = Create();
        await supervisor.ApplyAsync("config v1");
        var pid = supervisor.RunningPid();

        await supervisor.StopAsync();

        Assert.Equal([pid!.Value], bird.Terminated);
        Assert.Null(supervisor.RunningPid());
    }

    private static (BirdSupervisor, FakeBird, FakeFileStore) Create()
    {
        var files = new FakeFileStore();
        var bird = new FakeBird(files);
        return (new BirdSupervisor(Instance, bird, files, bird, TimeProvider.System), bird, files);
    }

    /// <summary>Plays bird and birdc: parse check fails on "GARBAGE", start writes the PID file, SIGTERM removes it.</summary>
    private sealed class FakeBird(FakeFileStore files) : ICommandRunner, IProcessSignaller
    {
        private int _nextPid = 4000;
        private int? _pid;
        public List<string> Calls { get; } = [];
        public List<int> Terminated { get; } = [];
        public bool RefuseConfigure { get; set; }

        public void Crash() => _pid = null;

        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
        {
            var args = command.Arguments;
            if (command.FileName == "bird" && args[0] == "-p")
            {
                Calls.Add("bird -p");
                var text = files.ReadText(args[2]) ?? throw new InvalidOperationException("checked a file that does not exist");
                return Task.FromResult(text.Contains("GARBAGE", StringComparison.Ordinal)
                    ? new CommandResult(1, "", $"bird: {args[2]}:1:8 syntax error, unexpected CF_SYM_UNDEFINED")
                    : new CommandResult(0, "", ""));
            }
            if (command.FileName == "bird")
            {
                Calls.Add($"bird start in {command.Namespace}");
                Assert.NotNull(files.ReadText(Instance.ConfigPath));
                _pid = _nextPid++;
                files.WriteAtomic(Instance.PidFilePath, $"{_pid}\n");
                return Task.FromResult(new CommandResult(0, "", ""));
            }
            Calls.Add("birdc " + string.Join(' ', args.Skip(2)));
            if (_pid is null) return Task.FromResult(new CommandResult(1, "", "Unable to connect to server control socket"));
            return Task.FromResult(args[2] == "configure"
                ? RefuseConfigure ? new CommandResult(1, "", "bird.conf:3:1 Only internal neighbor can be RR client") : new CommandResult(0, "BIRD 2.0.12 ready.\nReading configuration from bird.conf\nReconfigured\n", "")
                : new CommandResult(0, "BIRD 2.0.12 ready.\n", ""));
        }

        public bool IsAlive(int pid, string expectedName) => expectedName == "bird" && pid == _pid;

        public void Terminate(int pid)
        {
            Terminated.Add(pid);
            if (pid == _pid) _pid = null;
        }
    }

    private sealed class FakeFileStore : IFileStore
    {
        private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
        public string? ReadText(string path) => _files.GetValueOrDefault(path);
        public void WriteAtomic(string path, string text) => _files[path] = text;
        public void Delete(string path) => _files.Remove(path);
    }
}
