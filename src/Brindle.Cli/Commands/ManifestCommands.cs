using System.CommandLine;
using Brindle.Cli.Manifests;
using Brindle.Cli.Output;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle validate</c> and <c>brindle convert</c>: offline manifest checks and v1 → v3 conversion.</summary>
internal static class ManifestCommands
{
    public static Command Validate(CliConsole console)
    {
        var input = new ManifestInput();
        var command = new Command("validate",
            "Check manifests offline: syntax, fields, Calico's defaults and validation rules, selector syntax, overlapping pools\n" +
            "within the files. Nothing is written and no datastore is needed.\n\nExamples:\n" +
            "  brindle validate -f policy.yaml\n  brindle validate -f manifests/ -R");
        input.AddTo(command);
        command.SetAction(async (parseResult, _) =>
        {
            var (documents, errors) = await input.ReadAsync(console, parseResult);
            if (errors.Count == 0) errors = ManifestChecks.Validate(documents, StoredContext.Offline);
            if (errors.Count > 0) return await ErrorReport.WriteAsync(console, errors, "the manifests are not valid");
            await console.Out.WriteLineAsync($"{documents.Count} resource{(documents.Count == 1 ? "" : "s")} valid");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Convert(CliConsole console)
    {
        var files = CommonOptions.Filename();
        var recursive = CommonOptions.Recursive();
        var output = CommonOptions.Output("yaml", "Output format: yaml or json.");
        var command = new Command("convert",
            "Print manifests as projectcalico.org/v3. Old calicoctl v1 manifests (apiVersion: v1, kind: ipPool, policy, profile, …)\n" +
            "are converted; v3 manifests pass through unchanged. What changed is noted on stderr.\n\nExamples:\n" +
            "  brindle convert -f old-ippool.yaml\n  brindle convert -f v1/ -R -o json")
        {
            files, recursive, output,
        };
        command.SetAction(async (parseResult, _) =>
        {
            var format = OutputFormats.ParseManifest(parseResult.GetValue(output) ?? "yaml");
            var manifests = ManifestReader.Read(parseResult.GetValue(files) ?? [], parseResult.GetValue(recursive), console.In);
            await ErrorReport.WriteNotesAsync(console, manifests.Notes);
            if (!manifests.Succeeded) return await ErrorReport.WriteAsync(console, manifests.Errors, "nothing was converted");
            await console.Out.WriteAsync(ResourcePrinter.RenderManifests([.. manifests.Documents.Select(d => d.Resource)], format));
            return ExitCodes.Success;
        });
        return command;
    }
}
