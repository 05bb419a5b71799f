using System.Diagnostics;
using System.Text;

namespace Brindle.EndToEnd.Tests.Agent;

/// <summary>
/// <c>ip netns exec NS dotnet brindle.dll node run …</c> as a real process (the command line the lab uses), with its
/// stderr captured; stopped by PID (SIGTERM, or SIGKILL to simulate a crash).
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AgentProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The built CLI next to the test assembly (the test project references Brindle.Cli).</summary>
    public static string BrindleDll => Path.Combine(AppContext.BaseDirectory, "brindle.dll");

    public static AgentProcess Start(string ns, string datastorePath, params string[] arguments) =>
        Start(ns, datastorePath, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="Start(string, string, string[])"/>, with <paramref name="environment"/> added to the process's (e.g. PATH).</summary>
    public static AgentProcess Start(string ns, string datastorePath, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", ns, "dotnet", BrindleDll, .. arguments]) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        info.Environment["DATASTORE_TYPE"] = "embedded";
        info.Environment["DATASTORE_PATH"] = datastorePath;
        var process = new Process { StartInfo = info };
        var agent = new AgentProcess(process);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (agent._log) agent._log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (agent._log) agent._log.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return agent;
    }

    /// <summary>Runs the CLI once (inside <paramref name="ns"/> when given) and returns exit code and stdout+stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(string? ns, string datastorePath, params string[] arguments)
    {
        var info = new ProcessStartInfo(ns is null ? "dotnet" : "ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        string[] all = ns is null ? [BrindleDll, .. arguments] : ["netns", "exec", ns, "dotnet", BrindleDll, .. arguments];
        foreach (var a in all) info.ArgumentList.Add(a);
        info.Environment["DATASTORE_TYPE"] = "embedded";
        info.Environment["DATASTORE_PATH"] = datastorePath;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM (clean stop) and wait; SIGKILL if it does not end in time.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        // ip netns exec execs dotnet, so the PID is the agent's own.
        Brindle.Bgp.Ports.LinuxProcessSignaller.Instance.Terminate(_process.Id);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            return false;
        }
    }

    /// <summary>SIGKILL: the agent dies without cleaning up (BIRD, nft table and routes stay).</summary>
    public async Task CrashAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
