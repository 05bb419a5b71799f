using System.Diagnostics;

namespace Brindle.Platform;

/// <summary>
/// Runs commands with <see cref="Process"/>. A command with a <see cref="CommandSpec.Namespace"/> is run as
/// <c>ip netns exec NS program args…</c>. Output is read asynchronously so large outputs never deadlock;
/// a command that outlives its timeout is killed with its process tree and reported as exit code 124.
/// </summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    public const int TimedOutExitCode = 124;

    public static ProcessCommandRunner Instance { get; } = new();

    public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (command.Namespace is { } ns)
        {
            info.FileName = "ip";
            foreach (var a in new[] { "netns", "exec", ns, command.FileName }) info.ArgumentList.Add(a);
        }
        else
        {
            info.FileName = command.FileName;
        }
        foreach (var a in command.Arguments) info.ArgumentList.Add(a);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(127, "", $"cannot start '{info.FileName}': {e.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (command.StandardInput is { } input) await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input; its exit code says why.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(command.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandResult(TimedOutExitCode, await SafeRead(stdout), $"timed out after {command.Timeout.TotalSeconds:0.#} s: {command}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> SafeRead(Task<string> task)
    {
        try { return await task; } catch (Exception e) when (e is IOException or OperationCanceledException) { return ""; }
    }
}
