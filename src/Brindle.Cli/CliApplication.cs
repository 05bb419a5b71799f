using System.CommandLine;
using Brindle.Cli.Commands;

namespace Brindle.Cli;

/// <summary>Builds the <c>brindle</c> command tree. Handlers are thin: parse, build dependencies, call one library method.</summary>
internal static class CliApplication
{
    public static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "Brindle: routed, policy-driven networking for OpenStack and Kubernetes (Calico-compatible).\n" +
            "Resources use apiVersion projectcalico.org/v3, so Calico manifests apply unchanged.");
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.LogLevel);
        root.Subcommands.Add(VersionCommand.Build(console));
        root.Subcommands.Add(IpamCommands.Build(console));
        root.Subcommands.Add(SelectorCommand.Build(console));
        foreach (var command in ResourceCommands.Build(console)) root.Subcommands.Add(command);
        root.Subcommands.Add(PolicyCommand.Build(console));
        root.Subcommands.Add(NodeCommands.Build(console));
        root.Subcommands.Add(LabCommands.Build(console));
        root.Subcommands.Add(ConfigCommand.Build(console));
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. Command-line mistakes print one line each (with "did you mean") and exit 2;
    /// user errors and datastore problems print one line and exit 1; anything else is a bug (exit 70, no stack trace
    /// unless BRINDLE_DEBUG=1).
    /// </summary>
    public static async Task<int> RunAsync(CliConsole console, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRootCommand(console).Parse(args);
        if ((parseResult.Errors.Count > 0 && parseResult.Action is System.CommandLine.Invocation.ParseErrorAction)
            || CommandLineErrors.FlagsTakenAsArguments(parseResult).Count > 0)
        {
            return await CommandLineErrors.ReportAsync(console, parseResult);
        }
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = console.Out, Error = console.Error };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Failure;
        }
        catch (Exception e) when (CliErrors.TryDescribe(e, out var message))
        {
            await console.Error.WriteLineAsync($"brindle: {message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await console.Error.WriteLineAsync($"brindle: internal error: {e.GetType().Name}: {e.Message}");
            await console.Error.WriteLineAsync("This is a bug in Brindle. Set BRINDLE_DEBUG=1 to see the stack trace.");
            if (console.EnvironmentOrProcess.TryGetValue("BRINDLE_DEBUG", out var debug) && debug == "1") await console.Error.WriteLineAsync(e.ToString());
            return ExitCodes.InternalError;
        }
    }
}
