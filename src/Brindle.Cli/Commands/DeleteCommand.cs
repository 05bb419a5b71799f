using System.CommandLine;
using Brindle.Api;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle delete KIND NAME…</c> or <c>brindle delete -f FILE</c>: all named resources in one transaction, or none.</summary>
internal static class DeleteCommand
{
    public static Command Build(CliConsole console)
    {
        var kind = new Argument<string?>("KIND") { Description = "Resource kind (ippool, gnp, wep, …); omit with -f.", Arity = ArgumentArity.ZeroOrOne };
        var names = new Argument<string[]>("NAME") { Description = "Names to delete.", Arity = ArgumentArity.ZeroOrMore };
        var files = CommonOptions.Filename(required: false);
        var recursive = CommonOptions.Recursive();
        var ns = CommonOptions.Namespace();
        var skipNotFound = new Option<bool>("--skip-not-found", "--skip-not-exists", "-s")
        {
            Description = "Do not fail for resources that do not exist.",
        };
        var command = new Command("delete",
            "Delete resources by kind and name, or those named in manifests. All or nothing: if any is missing (without\n" +
            "--skip-not-found) nothing is deleted.\n\nExamples:\n" +
            "  brindle delete ippool default-pool\n  brindle delete networkpolicy allow-web -n prod\n  brindle delete -f policies.yaml")
        {
            kind, names, files, recursive, ns, skipNotFound,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var fileArguments = parseResult.GetValue(files) ?? [];
            var kindText = parseResult.GetValue(kind);
            var nameList = parseResult.GetValue(names) ?? [];
            var targets = new List<(ResourceKind, string?, string, Document?)>();
            if (fileArguments.Length > 0)
            {
                if (kindText is not null) throw new UserErrorException("give either -f FILE or KIND NAME…, not both");
                var manifests = Manifests.ManifestReader.Read(fileArguments, parseResult.GetValue(recursive), console.In);
                await ErrorReport.WriteNotesAsync(console, manifests.Notes);
                var errors = new List<ResourceError>(manifests.Errors);
                var documents = Manifests.ManifestChecks.Prepare(manifests.Documents, parseResult.GetValue(ns), errors);
                if (errors.Count > 0) return await ErrorReport.WriteAsync(console, errors, "nothing was deleted");
                targets.AddRange(documents.Select(d => (d.Resource.ResourceKind, d.Resource.Namespace, d.Resource.Name, (Document?)d)));
            }
            else
            {
                if (kindText is null || nameList.Length == 0) throw new UserErrorException("give KIND and at least one NAME (e.g. brindle delete ippool my-pool), or -f FILE");
                var resourceKind = KindNames.Resolve(kindText);
                var namespaceName = ResourceLookup.NamespaceFor(resourceKind, parseResult.GetValue(ns));
                targets.AddRange(nameList.Select(n => (resourceKind, namespaceName, n, (Document?)null)));
            }

            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var outcome = await new ResourceWriter(store).DeleteAllAsync(targets, parseResult.GetValue(skipNotFound), cancellationToken);
                if (!outcome.Succeeded)
                {
                    var described = outcome.Errors.Select(e => e.Source is null && e.Kind is not null && e.Reason == "resource does not exist"
                        ? e with { Kind = null, Name = null, Reason = $"resource does not exist: {e.Kind}({e.Name})" }
                        : e).ToList();
                    return await ErrorReport.WriteAsync(console, described, "nothing was deleted");
                }
                foreach (var line in WriteSummary.Lines("deleted", outcome.Written)) await console.Out.WriteLineAsync(line);
                if (outcome.Written.Count == 0) await console.Out.WriteLineAsync("Nothing to delete");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
