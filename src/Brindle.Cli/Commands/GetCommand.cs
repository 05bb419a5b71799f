using System.CommandLine;
using Brindle.Api;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;
using Brindle.Policy;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle get KIND [NAME…]</c>: list or show resources as a table, YAML, JSON or names.</summary>
internal static class GetCommand
{
    public static Command Build(CliConsole console)
    {
        var kind = CommonOptions.Kind();
        var names = new Argument<string[]>("NAME") { Description = "Names to show (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var ns = CommonOptions.Namespace();
        var all = CommonOptions.AllNamespaces();
        var output = CommonOptions.Output("table", $"Output format: {OutputFormats.Choices}.");
        var selector = new Option<string?>("--selector")
        {
            Description = "Only resources whose labels match this Calico selector, e.g. \"app == 'web'\".",
        };
        var command = new Command("get",
            "Show resources. Namespaced kinds are read from -n (default 'default') or every namespace with -A.\n" +
            "YAML and JSON print one named resource as itself and anything else as a <Kind>List that apply -f reads back.\n\nExamples:\n" +
            "  brindle get ippools -o wide\n  brindle get wep -A -o json\n  brindle get gnp default-deny -o yaml\n" +
            "  brindle get hostendpoints --selector \"role == 'gateway'\"")
        {
            kind, names, ns, all, output, selector,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var resourceKind = KindNames.Resolve(parseResult.GetValue(kind)!);
            var format = OutputFormats.Parse(parseResult.GetValue(output) ?? "table");
            var wanted = parseResult.GetValue(names) ?? [];
            var allNamespaces = parseResult.GetValue(all);
            if (allNamespaces && parseResult.GetValue(ns) is not null) throw new UserErrorException("give either -n NAMESPACE or -A, not both");
            if (allNamespaces && wanted.Length > 0) throw new UserErrorException("names need one namespace: use -n NAMESPACE instead of -A");
            var filter = ParseSelector(parseResult.GetValue(selector));
            var listNamespace = allNamespaces ? null : ResourceLookup.NamespaceFor(resourceKind, parseResult.GetValue(ns));

            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var resources = new List<Resource>();
                var missing = new List<string>();
                if (wanted.Length == 0)
                {
                    resources.AddRange((await store.ListAsync(resourceKind, listNamespace, cancellationToken)).Items);
                }
                foreach (var name in wanted)
                {
                    var resource = await store.GetAsync(resourceKind, listNamespace, name, cancellationToken);
                    if (resource is null) missing.Add(ResourceLookup.NotFound(resourceKind, listNamespace, name));
                    else resources.Add(resource);
                }
                if (filter is not null) resources.RemoveAll(r => !filter.Matches(r.Metadata.Labels));
                if (resources.Count > 0 || missing.Count == 0 || format is OutputFormat.Yaml or OutputFormat.Json)
                {
                    var single = wanted.Length == 1 && resources.Count == 1;
                    if (resources.Count > 0 || wanted.Length == 0)
                    {
                        await console.Out.WriteAsync(ResourcePrinter.Render(resourceKind, resources, format, allNamespaces, single));
                    }
                }
                foreach (var line in missing) await console.Error.WriteLineAsync($"brindle: {line}");
                return missing.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }, cancellationToken);
        });
        return command;
    }

    private static Selector? ParseSelector(string? text)
    {
        if (text is null) return null;
        return Selector.TryParse(text, out var selector, out var error) ? selector : throw new UserErrorException($"--selector: {error.Message}");
    }
}
