using System.CommandLine;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle apply|create|replace -f</c>: check every document, then write all of them in one transaction or none.</summary>
internal static class WriteCommands
{
    public static IEnumerable<Command> Build(CliConsole console) =>
    [
        Build(console, "apply", WriteMode.Apply, "Create or replace the resources in the manifests."),
        Build(console, "create", WriteMode.Create, "Create the resources in the manifests; fails if any already exists."),
        Build(console, "replace", WriteMode.Replace, "Replace the resources in the manifests; fails if any does not exist."),
    ];

    private static Command Build(CliConsole console, string name, WriteMode mode, string summary)
    {
        var input = new ManifestInput();
        var command = new Command(name,
            summary + "\n" +
            "All or nothing: every document is checked first (fields, selectors, overlapping pools, missing tiers, existence),\n" +
            "every problem is reported, and only a clean batch is written, in one datastore transaction.\n" +
            "calicoctl v1 manifests are converted (noted on stderr).\n\nExamples:\n" +
            $"  brindle {name} -f pools.yaml\n  cat policy.yaml | brindle {name} -f -\n  brindle {name} -f manifests/ -R");
        input.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (documents, errors) = await input.ReadAsync(console, parseResult);
            if (errors.Count > 0) return await ErrorReport.WriteAsync(console, errors, "nothing was written");
            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var outcome = await new ResourceWriter(store).WriteAsync(documents, mode, cancellationToken);
                if (!outcome.Succeeded) return await ErrorReport.WriteAsync(console, outcome.Errors, "nothing was written");
                foreach (var line in WriteSummary.Lines(ResourceWriter.Verb(mode), outcome.Written)) await console.Out.WriteLineAsync(line);
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
