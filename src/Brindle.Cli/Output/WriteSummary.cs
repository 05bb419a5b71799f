using Brindle.Api;

namespace Brindle.Cli.Output;

/// <summary>calicoctl's success lines, one per kind in order of first appearance: "Successfully applied 3 'IPPool' resource(s)".</summary>
internal static class WriteSummary
{
    public static IEnumerable<string> Lines(string verb, IEnumerable<Resource> resources) =>
        resources.GroupBy(r => r.Kind).Select(g => $"Successfully {verb} {g.Count()} '{g.Key}' resource(s)");
}
