using System.Globalization;
using Brindle.Platform;

namespace Brindle.Lab;

/// <summary>
/// Starts the lab's long-running processes (etcd, agents, the ToR's BIRD, workload responders) detached from the
/// terminal, and stops them by PID after proving each is still ours.
/// </summary>
/// <remarks>
/// A process is started as <c>sh -c 'setsid env VARS ip netns exec NS PROGRAM ARGS &gt;LOG 2&gt;&amp;1 &amp; echo $!'</c>:
/// <c>setsid</c>, <c>env</c> and <c>ip netns exec</c> each exec the next program, so the printed PID is the program's
/// own. Stopping checks that <c>/proc/PID/cmdline</c> still contains the marker recorded at start (PIDs are reused),
/// sends SIGTERM, waits up to <see cref="StopTimeout"/> and then sends SIGKILL.
/// </remarks>
public sealed class LabProcesses(ICommandRunner runner)
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public async Task<LabProcess> StartAsync(string role, string ns, string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment, string logFile, string marker, CancellationToken cancellationToken)
    {
        var env = (environment ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}").ToArray();
        var command = new CommandSpec("sh", [
            "-c", "log=$1; shift; setsid \"$@\" >\"$log\" 2>&1 </dev/null & echo $!", "sh", logFile,
            "env", .. env, "ip", "netns", "exec", ns, program, .. arguments]);
        var result = (await runner.RunAsync(command, cancellationToken)).EnsureSuccess(command);
        if (!int.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            throw new InvalidOperationException($"starting {role}: no PID from '{command}'");
        return new LabProcess(role, pid, ns, marker, logFile);
    }

    /// <summary>Whether <paramref name="process"/> is alive and still the one we started.</summary>
    public static bool IsOurs(LabProcess process)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{process.Pid}/cmdline").Replace('\0', ' ');
            return cmdline.Contains(process.CommandMarker, StringComparison.Ordinal) && !IsZombie(process.Pid);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Stops the process if it is ours: SIGTERM, then SIGKILL after <see cref="StopTimeout"/>. True if it was running.</summary>
    public async Task<bool> StopAsync(LabProcess process, CancellationToken cancellationToken)
    {
        if (!IsOurs(process)) return false;
        await runner.RunAsync(CommandSpec.Of("kill", "-TERM", process.Pid.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        var deadline = DateTime.UtcNow + StopTimeout;
        while (IsOurs(process) && DateTime.UtcNow < deadline) await Task.Delay(PollInterval, cancellationToken);
        if (IsOurs(process)) await runner.RunAsync(CommandSpec.Of("kill", "-KILL", process.Pid.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        return true;
    }
}
