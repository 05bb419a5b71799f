using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brindle.Api;

namespace Brindle.Cli.Output;

/// <summary>
/// Prints resources of one kind as calicoctl does: a table (plain or wide), YAML or JSON (one resource as
/// itself, several as a <c>&lt;Kind&gt;List</c> with <c>items</c>, which <c>apply -f</c> reads back), or
/// <c>kind/name</c> lines.
/// </summary>
internal static class ResourcePrinter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="single">Print one resource as itself rather than as a list (calicoctl does for <c>get KIND NAME</c>).</param>
    public static string Render(ResourceKind kind, IReadOnlyList<Resource> resources, OutputFormat format, bool allNamespaces, bool single)
    {
        switch (format)
        {
            case OutputFormat.Table or OutputFormat.Wide:
                var columns = ResourceColumns.For(kind, format == OutputFormat.Wide, allNamespaces);
                return TableRenderer.Render(
                    [.. columns.Select(c => c.Heading)],
                    resources.Select(r => (IReadOnlyList<string>)[.. columns.Select(c => c.Cell(r))]));
            case OutputFormat.Name:
                var names = new StringBuilder();
                foreach (var r in resources) names.Append(kind.Name.ToLowerInvariant()).Append('/').Append(r.QualifiedName).Append('\n');
                return names.ToString();
            case OutputFormat.Yaml when single && resources.Count == 1:
                return ResourceCodec.WriteYaml(resources[0]);
            case OutputFormat.Json when single && resources.Count == 1:
                return ResourceCodec.WriteJson(resources[0]) + "\n";
            case OutputFormat.Yaml:
                return ListYaml(kind, resources);
            case OutputFormat.Json:
                return ListJson(kind, resources).ToJsonString(Indented) + "\n";
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>A bare manifest stream (for <c>convert</c>): YAML documents separated by <c>---</c>, or JSON (an array when several).</summary>
    public static string RenderManifests(IReadOnlyList<Resource> resources, OutputFormat format) => format switch
    {
        OutputFormat.Json when resources.Count == 1 => ResourceCodec.WriteJson(resources[0]) + "\n",
        OutputFormat.Json => ResourceCodec.WriteJson(resources) + "\n",
        _ => ResourceCodec.WriteYaml(resources),
    };

    private static JsonObject ListJson(ResourceKind kind, IReadOnlyList<Resource> resources) => new()
    {
        ["apiVersion"] = kind.ApiVersion,
        ["kind"] = kind.Name + "List",
        ["items"] = new JsonArray([.. resources.Select(r => (JsonNode)ResourceCodec.ToJsonNode(r))]),
    };

    /// <summary>
    /// A <c>&lt;Kind&gt;List</c> in YAML. Each item is the codec's own YAML for that resource, indented under
    /// <c>items:</c> (block YAML stays valid when every line is indented by the same amount).
    /// </summary>
    private static string ListYaml(ResourceKind kind, IReadOnlyList<Resource> resources)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: ").Append(kind.ApiVersion).Append('\n');
        text.Append("kind: ").Append(kind.Name).Append("List\n");
        if (resources.Count == 0)
        {
            text.Append("items: []\n");
            return text.ToString();
        }
        text.Append("items:\n");
        foreach (var resource in resources)
        {
            var lines = ResourceCodec.WriteYaml(resource).TrimEnd('\n').Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                text.Append(i == 0 ? "- " : "  ").Append(lines[i]).Append('\n');
            }
        }
        return text.ToString();
    }
}
