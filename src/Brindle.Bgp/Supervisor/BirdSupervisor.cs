using System.Globalization;
using Brindle.Bgp.Ports;
using Brindle.Bgp.Status;
using Brindle.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Bgp.Supervisor;

/// <summary>Runs one node's BIRD: applies new configuration safely, starts it, watches it, restarts it, stops it.</summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>The config file is written only when its text changes, and only after <c>bird -p -c</c> accepted the
/// candidate; a rejected text leaves the old file in place and the running BIRD untouched (the error is returned).</item>
/// <item>If <c>birdc configure</c> still refuses, the previous file is restored (BIRD itself keeps its old config).</item>
/// <item>The process is recognised as ours by its PID file and <c>/proc/PID/comm == bird</c>; it is stopped by PID only.</item>
/// </list>
/// All I/O goes through <see cref="ICommandRunner"/>, <see cref="IFileStore"/> and <see cref="IProcessSignaller"/>;
/// time through <see cref="TimeProvider"/>.
/// </remarks>
public sealed partial class BirdSupervisor(
    BirdInstance instance,
    ICommandRunner runner,
    IFileStore files,
    IProcessSignaller processes,
    TimeProvider time,
    ILogger<BirdSupervisor>? logger = null)
{
    /// <summary>How many times to poll for the control socket after starting BIRD.</summary>
    public const int StartPollAttempts = 50;
    public static readonly TimeSpan StartPollInterval = TimeSpan.FromMilliseconds(100);
    public const int StopPollAttempts = 50;
    public static readonly TimeSpan DefaultWatchInterval = TimeSpan.FromSeconds(1);
    private const string ProcessName = "bird";

    private readonly ILogger _logger = logger ?? NullLogger<BirdSupervisor>.Instance;

    public BirdInstance Instance => instance;

    public async Task<BirdApplyResult> ApplyAsync(string configText, CancellationToken cancellationToken = default)
    {
        var current = files.ReadText(instance.ConfigPath);
        var running = RunningPid() is not null;
        if (string.Equals(current, configText, StringComparison.Ordinal))
        {
            return running ? new BirdApplyResult(BirdApplyOutcome.Unchanged) : await StartAsync(cancellationToken);
        }

        // Check the candidate before it can replace anything.
        files.WriteAtomic(instance.CandidatePath, configText);
        CommandResult check;
        try
        {
            check = await runner.RunAsync(CommandSpec.Of(instance.BirdProgram, "-p", "-c", instance.CandidatePath), cancellationToken);
        }
        finally
        {
            files.Delete(instance.CandidatePath);
        }
        if (!check.Succeeded)
        {
            var error = Text(check).Replace(instance.CandidatePath, instance.ConfigPath, StringComparison.Ordinal);
            Log.ConfigRejected(_logger, instance.ConfigPath, error);
            return new BirdApplyResult(BirdApplyOutcome.Rejected, error);
        }

        files.WriteAtomic(instance.ConfigPath, configText);
        if (!running) return await StartAsync(cancellationToken);

        var configure = await Birdc(cancellationToken, "configure");
        var output = Text(configure);
        if (configure.Succeeded && (output.Contains("Reconfigured", StringComparison.Ordinal) || output.Contains("Reconfiguration in progress", StringComparison.Ordinal)))
        {
            Log.Reconfigured(_logger, instance.ConfigPath);
            return new BirdApplyResult(BirdApplyOutcome.Reconfigured);
        }

        // BIRD refused: it keeps running its old configuration, so the old file must stay the truth.
        if (current is null) files.Delete(instance.ConfigPath);
        else files.WriteAtomic(instance.ConfigPath, current);
        Log.ConfigRejected(_logger, instance.ConfigPath, output);
        return new BirdApplyResult(BirdApplyOutcome.Rejected, output);
    }

    /// <summary>The PID of our running BIRD, or null.</summary>
    public int? RunningPid()
    {
        var text = files.ReadText(instance.PidFilePath);
        return int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && processes.IsAlive(pid, ProcessName) ? pid : null;
    }

    /// <summary>Starts BIRD if a config exists and it is not running. Returns true when it (re)started it.</summary>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancellationToken = default)
    {
        if (RunningPid() is not null || files.ReadText(instance.ConfigPath) is null) return false;
        Log.Restarting(_logger, instance.ConfigPath);
        var result = await StartAsync(cancellationToken);
        return result.Outcome == BirdApplyOutcome.Started;
    }

    /// <summary>Restarts BIRD whenever it is found dead, every <paramref name="interval"/>, until cancelled.</summary>
    public async Task WatchAsync(TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval ?? DefaultWatchInterval, time, cancellationToken);
                await EnsureRunningAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>SIGTERM to our BIRD (it closes sessions with a Cease, so peers withdraw its routes at once), then waits for it to go.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (RunningPid() is not { } pid) return;
        processes.Terminate(pid);
        for (var attempt = 0; attempt < StopPollAttempts && processes.IsAlive(pid, ProcessName); attempt++)
        {
            await Task.Delay(StartPollInterval, time, cancellationToken);
        }
    }

    /// <summary>Sessions as BIRD reports them; empty when BIRD is not running.</summary>
    public async Task<IReadOnlyList<BgpPeerStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var result = await Birdc(cancellationToken, "show", "protocols", "all");
        return result.Succeeded ? BirdProtocolsParser.Parse(result.StandardOutput) : [];
    }

    /// <summary>Runs <c>birdc -s SOCKET args…</c> (the socket is a file, so no namespace is needed).</summary>
    public Task<CommandResult> Birdc(CancellationToken cancellationToken, params string[] arguments) =>
        runner.RunAsync(new CommandSpec(instance.BirdcProgram, ["-s", instance.SocketPath, .. arguments]) { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);

    private async Task<BirdApplyResult> StartAsync(CancellationToken cancellationToken)
    {
        var start = await runner.RunAsync(
            CommandSpec.Of(instance.BirdProgram, "-c", instance.ConfigPath, "-s", instance.SocketPath, "-P", instance.PidFilePath).InNamespace(instance.Namespace),
            cancellationToken);
        if (!start.Succeeded)
        {
            Log.StartFailed(_logger, instance.ConfigPath, Text(start));
            return new BirdApplyResult(BirdApplyOutcome.StartFailed, Text(start));
        }
        for (var attempt = 0; attempt < StartPollAttempts; attempt++)
        {
            if (RunningPid() is { } pid && (await Birdc(cancellationToken, "show", "status")).Succeeded)
            {
                Log.Started(_logger, pid, instance.ConfigPath);
                return new BirdApplyResult(BirdApplyOutcome.Started);
            }
            await Task.Delay(StartPollInterval, time, cancellationToken);
        }
        return new BirdApplyResult(BirdApplyOutcome.StartFailed, $"BIRD did not answer on {instance.SocketPath} after {StartPollAttempts} attempts");
    }

    private static string Text(CommandResult result) =>
        string.Join("\n", new[] { result.StandardError.Trim(), result.StandardOutput.Trim() }.Where(s => s.Length > 0));

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "BIRD configuration {ConfigPath} rejected; BIRD keeps its previous configuration: {Error}")]
        public static partial void ConfigRejected(ILogger logger, string configPath, string error);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "BIRD reconfigured from {ConfigPath}")]
        public static partial void Reconfigured(ILogger logger, string configPath);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "BIRD started (pid {Pid}) with {ConfigPath}")]
        public static partial void Started(ILogger logger, int pid, string configPath);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "BIRD failed to start with {ConfigPath}: {Error}")]
        public static partial void StartFailed(ILogger logger, string configPath, string error);

        [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "BIRD is not running; restarting it with {ConfigPath}")]
        public static partial void Restarting(ILogger logger, string configPath);
    }
}
