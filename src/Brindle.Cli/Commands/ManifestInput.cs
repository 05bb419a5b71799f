using System.CommandLine;
using Brindle.Api;
using Brindle.Cli.Manifests;
using Brindle.Cli.Output;

namespace Brindle.Cli.Commands;

/// <summary>The -f/-R/-n options of a manifest verb and the shared first step: read, note conversions, prepare.</summary>
internal sealed class ManifestInput
{
    public Option<string[]> Files { get; } = CommonOptions.Filename();

    public Option<bool> Recursive { get; } = CommonOptions.Recursive();

    public Option<string?> Namespace { get; } = CommonOptions.Namespace();

    public void AddTo(Command command)
    {
        command.Options.Add(Files);
        command.Options.Add(Recursive);
        command.Options.Add(Namespace);
    }

    /// <summary>
    /// Reads every -f argument, prints v1 conversion notes on stderr and applies -n and defaults. The errors include
    /// offline validation of the documents that did decode, so one run shows every problem.
    /// </summary>
    public async Task<(IReadOnlyList<Document> Documents, IReadOnlyList<ResourceError> Errors)> ReadAsync(CliConsole console, ParseResult parseResult)
    {
        var manifests = ManifestReader.Read(parseResult.GetValue(Files) ?? [], parseResult.GetValue(Recursive), console.In);
        await ErrorReport.WriteNotesAsync(console, manifests.Notes);
        var errors = new List<ResourceError>(manifests.Errors);
        var documents = ManifestChecks.Prepare(manifests.Documents, parseResult.GetValue(Namespace), errors);
        if (errors.Count > 0) errors.AddRange(ManifestChecks.Validate(documents, StoredContext.Offline));
        return (documents, Order(errors));
    }

    /// <summary>Errors by source (in the order given), then document, so the report reads top to bottom.</summary>
    private static List<ResourceError> Order(List<ResourceError> errors) =>
    [
        .. errors.Select((e, i) => (e, i))
            .OrderBy(x => errors.FindIndex(y => y.Source == x.e.Source))
            .ThenBy(x => x.e.DocumentIndex ?? 0)
            .ThenBy(x => x.i)
            .Select(x => x.e),
    ];
}
