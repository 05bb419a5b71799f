using System.Diagnostics;
using System.Globalization;

namespace Brindle.Benchmarks;

/// <summary>Small helpers every scale harness shares: argument parsing, medians, and starting a real agent in a namespace.</summary>
internal static class Harness
{
    /// <summary>The integer after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/> when absent.</summary>
    public static int Option(string[] args, string name, int fallback) =>
        ValueAfter(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The text after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/> when absent.</summary>
    public static string Arg(string[] args, string name, string fallback) => ValueAfter(args, name) ?? fallback;

    private static string? ValueAfter(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Starts <c>brindle node run</c> (the brindle.dll built next to the benchmarks) inside network namespace
    /// <paramref name="ns"/> on the embedded store <paramref name="db"/>; output is drained and discarded.
    /// </summary>
    public static Process StartAgent(string ns, string db, string name, string ip, string stateDir, Action<string>? onLogLine = null)
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "brindle.dll"), "node", "run", "--name", name, "--ip", ip, "--state-dir", stateDir, "--log-level", onLogLine is null ? "warning" : "info"])
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["DATASTORE_TYPE"] = "embedded";
        info.Environment["DATASTORE_PATH"] = db;
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) onLogLine?.Invoke(line); };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) onLogLine?.Invoke(line); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }
}
