using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brindle.Api;

namespace Brindle.Policy;

/// <summary>One probe line: who connects to whom, how.</summary>
public sealed record PolicyProbe(string Source, string Destination, int Protocol, int? DestinationPort, int? IcmpType, int? IcmpCode);

/// <summary>The logic behind <c>brindle policy simulate</c> and <c>brindle policy trace</c>: manifests in, verdicts out.</summary>
public static class PolicySimulation
{
    /// <summary>Decodes manifests (name, text) and builds the evaluator; every problem is returned, prefixed with its file.</summary>
    public static (PolicyEvaluator? Evaluator, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes) Load(IEnumerable<(string Name, string Text)> files)
    {
        var errors = new List<string>();
        var resources = new List<Resource>();
        var sourceOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            var read = ResourceCodec.Read(text, name);
            errors.AddRange(read.Errors.Select(e => e.ToString()));
            foreach (var document in read.Documents)
            {
                resources.Add(document.Resource);
                sourceOf.TryAdd($"{document.Resource.Kind}/{document.Resource.QualifiedName}", document.Source);
            }
        }
        var built = PolicyModelBuilder.Build(resources);
        errors.AddRange(built.Errors.Select(e => (e with { Source = sourceOf.GetValueOrDefault($"{e.Kind}/{e.Name}") }).ToString()));
        return (errors.Count == 0 ? new PolicyEvaluator(built.Model) : null, errors, built.Notes);
    }

    /// <summary>The kinds <see cref="PolicyModelBuilder"/> reads: what a live-datastore simulation lists.</summary>
    public static IReadOnlyList<ResourceKind> ModelKinds { get; } =
    [
        ResourceKinds.Namespace, ResourceKinds.WorkloadEndpoint, ResourceKinds.HostEndpoint, ResourceKinds.Profile, ResourceKinds.Tier,
        ResourceKinds.NetworkPolicy, ResourceKinds.GlobalNetworkPolicy, ResourceKinds.NetworkSet, ResourceKinds.GlobalNetworkSet,
    ];

    /// <summary>Builds the evaluator from resources already decoded (the live datastore); errors are prefixed with <paramref name="sourceName"/>.</summary>
    public static (PolicyEvaluator? Evaluator, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes) Load(IEnumerable<Resource> resources, string sourceName)
    {
        var built = PolicyModelBuilder.Build(resources);
        var errors = built.Errors.Select(e => (e with { Source = sourceName }).ToString()).ToList();
        return (errors.Count == 0 ? new PolicyEvaluator(built.Model) : null, errors, built.Notes);
    }

    /// <summary>Parses JSON-lines probes; errors name the line.</summary>
    public static (IReadOnlyList<PolicyProbe> Probes, IReadOnlyList<string> Errors) ParseProbes(string text, string sourceName)
    {
        var probes = new List<PolicyProbe>();
        var errors = new List<string>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (TryParseProbe(line, out var probe, out var error)) probes.Add(probe!);
            else errors.Add($"{sourceName}:{lineNumber}: {error}");
        }
        return (probes, errors);
    }

    private static bool TryParseProbe(string line, out PolicyProbe? probe, out string? error)
    {
        probe = null;
        error = null;
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException e)
        {
            error = $"invalid JSON: {e.Message}";
            return false;
        }
        if (o is null)
        {
            error = "expected an object like {\"src\": \"ns/pod\", \"dst\": \"10.0.0.1\", \"protocol\": \"TCP\", \"dstPort\": 80}";
            return false;
        }
        string? Text(string field) => o[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        int? Number(string field) => o[field] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
        var src = Text("src");
        var dst = Text("dst");
        if (src is null || dst is null)
        {
            error = "\"src\" and \"dst\" are required strings (an IP address or namespace/name)";
            return false;
        }
        var protocolText = Text("protocol") ?? (o["protocol"] is JsonValue pv && pv.TryGetValue<int>(out var pn) ? pn.ToString(CultureInfo.InvariantCulture) : "TCP");
        if (!ProtocolNames.TryParse(protocolText, out var protocol))
        {
            error = $"unknown protocol '{protocolText}'";
            return false;
        }
        var port = Number("dstPort");
        if (ProtocolNames.HasPorts(protocol) && port is not (>= 1 and <= 65535))
        {
            error = $"\"dstPort\" (1-65535) is required for {ProtocolNames.Format(protocol)}";
            return false;
        }
        probe = new PolicyProbe(src, dst, protocol, ProtocolNames.HasPorts(protocol) ? port : null, Number("icmpType"), Number("icmpCode"));
        return true;
    }

    /// <summary>Resolves a probe's peers and evaluates it.</summary>
    public static bool TryEvaluate(PolicyEvaluator evaluator, PolicyProbe probe, bool trace, out ConnectionVerdict? verdict, out string? error)
    {
        verdict = null;
        if (!evaluator.TryResolvePeer(probe.Source, out var src, out error) || !evaluator.TryResolvePeer(probe.Destination, out var dst, out error)) return false;
        if (src!.Address.AddressFamily != dst!.Address.AddressFamily)
        {
            error = $"{probe.Source} and {probe.Destination} are of different IP families";
            return false;
        }
        verdict = evaluator.Evaluate(new PolicyConnection(src, dst, probe.Protocol, probe.DestinationPort, probe.IcmpType, probe.IcmpCode), trace);
        return true;
    }

    /// <summary>The <c>-o json</c> array: one object per probe, in input order.</summary>
    public static string ToJson(IEnumerable<(PolicyProbe Probe, ConnectionVerdict Verdict)> results)
    {
        var array = new JsonArray();
        foreach (var (probe, verdict) in results)
        {
            var o = new JsonObject
            {
                ["src"] = probe.Source,
                ["dst"] = probe.Destination,
                ["protocol"] = ProtocolNames.Format(probe.Protocol),
            };
            if (probe.DestinationPort is { } port) o["dstPort"] = port;
            if (probe.IcmpType is { } type) o["icmpType"] = type;
            if (probe.IcmpCode is { } code) o["icmpCode"] = code;
            o["verdict"] = verdict.Allowed ? "Allow" : "Deny";
            o["egress"] = Side(verdict.Egress);
            o["ingress"] = Side(verdict.Ingress);
            array.Add(o);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Side(DirectionVerdict side)
    {
        var o = new JsonObject
        {
            ["verdict"] = side.Action,
            ["decidedBy"] = side.Kind switch
            {
                DecisionKind.External => "external",
                DecisionKind.PolicyRule => "policy",
                DecisionKind.EndOfTier => "endOfTier",
                DecisionKind.ProfileRule => "profile",
                DecisionKind.ProfileMissing => "missingProfile",
                _ => "defaultDeny",
            },
        };
        if (side.Tier is not null) o["tier"] = side.Tier;
        if (side.Policy is not null) o["policy"] = side.Policy;
        if (side.Profile is not null) o["profile"] = side.Profile;
        if (side.RuleIndex is { } rule) o["rule"] = rule;
        o["reason"] = side.Describe();
        return o;
    }

    /// <summary>One line per probe: <c>Allow  x/a -&gt; y/b TCP/80  egress: …; ingress: …</c>.</summary>
    public static string ToText(IEnumerable<(PolicyProbe Probe, ConnectionVerdict Verdict)> results)
    {
        var text = new StringBuilder();
        foreach (var (probe, verdict) in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(verdict.Allowed ? "Allow" : "Deny"),-6}{probe.Source} -> {probe.Destination} {Service(probe)}\n");
            text.Append(CultureInfo.InvariantCulture, $"      egress:  {verdict.Egress.Describe()}\n");
            text.Append(CultureInfo.InvariantCulture, $"      ingress: {verdict.Ingress.Describe()}\n");
        }
        return text.ToString();
    }

    /// <summary>The step-by-step explanation printed by <c>brindle policy trace</c>.</summary>
    public static string Explain(PolicyProbe probe, ConnectionVerdict verdict)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Connection: {verdict.Connection.Source} -> {verdict.Connection.Destination}, {Service(probe)}\n");
        text.Append("A connection is allowed only if the source's egress and the destination's ingress both allow it.\n\n");
        foreach (var (title, side) in new[] { ("Egress of the source", verdict.Egress), ("Ingress of the destination", verdict.Ingress) })
        {
            text.Append(CultureInfo.InvariantCulture, $"{title}: {side.Action} ({side.Describe()})\n");
            foreach (var step in side.Trace ?? []) text.Append("  ").Append(step).Append('\n');
            text.Append('\n');
        }
        text.Append(CultureInfo.InvariantCulture, $"Verdict: {(verdict.Allowed ? "Allow" : "Deny")}\n");
        return text.ToString();
    }

    private static string Service(PolicyProbe probe) =>
        ProtocolNames.Format(probe.Protocol)
        + (probe.DestinationPort is { } p ? $"/{p}" : "")
        + (probe.IcmpType is { } t ? $" type {t}" + (probe.IcmpCode is { } c ? $" code {c}" : "") : "");
}
