using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Brindle.Api;

/// <summary>
/// Converts old calicoctl v1 manifests (<c>apiVersion: v1</c> with lower-case kinds: policy, profile, ipPool,
/// bgpPeer, hostEndpoint, workloadEndpoint, node) to v3, following Calico's own upgrade converters
/// (libcalico-go/lib/upgrade/converters): names are derived the same way, tags become labels and selectors,
/// <c>net</c>/<c>notNet</c> merge into <c>nets</c>/<c>notNets</c>, actions and protocols take their v3 spelling.
/// It works on the JSON tree so the strict v3 decoder then checks the result. <c>apiVersion: v1, kind: Namespace</c>
/// is the Kubernetes namespace and is not converted.
/// </summary>
public static partial class V1Converter
{
    private const string V1NamespaceLabel = "calico/k8s_ns";

    private static readonly Dictionary<string, string> Actions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["allow"] = "Allow", ["deny"] = "Deny", ["log"] = "Log", ["pass"] = "Pass", ["next-tier"] = "Pass",
    };

    /// <summary>True for <c>apiVersion: v1</c> manifests other than the Kubernetes Namespace.</summary>
    public static bool IsV1Manifest(string apiVersion, string kind) =>
        apiVersion == "v1" && kind != "Namespace";

    internal static JsonObject? Convert(JsonObject v1, List<FieldError> errors, List<string> notes)
    {
        var root = new V1Object(v1, "", errors);
        root.Take("apiVersion");
        var kind = root.String("kind");
        var metadata = root.Object("metadata");
        var spec = root.Object("spec");
        var converter = new Converter(notes);
        (string Kind, JsonObject Metadata, JsonObject Spec)? result = kind switch
        {
            "policy" => converter.Policy(metadata, spec),
            "profile" => converter.Profile(metadata, spec),
            "ipPool" => converter.Pool(metadata, spec),
            "bgpPeer" => converter.Peer(metadata, spec),
            "hostEndpoint" => converter.HostEndpoint(metadata, spec),
            "workloadEndpoint" => converter.WorkloadEndpoint(metadata, spec),
            "node" => converter.Node(metadata, spec),
            _ => null,
        };
        if (result is not { } v3)
        {
            errors.Add(new("kind", $"unknown calicoctl v1 kind '{kind}' (expected policy, profile, ipPool, bgpPeer, hostEndpoint, workloadEndpoint or node)"));
            return null;
        }
        root.Finish();
        metadata.Finish();
        spec.Finish();
        notes.Insert(0, $"converted from calicoctl v1 kind '{kind}' to {ResourceKinds.CalicoApiVersion} {v3.Kind}");
        var document = new JsonObject
        {
            ["apiVersion"] = ResourceKinds.CalicoApiVersion,
            ["kind"] = v3.Kind,
            ["metadata"] = v3.Metadata,
        };
        if (v3.Spec.Count > 0) document["spec"] = v3.Spec;
        return document;
    }

    /// <summary>Calico's convertName: lower case, '/' to '.', other invalid characters to '-', no leading or trailing '.' or '-'.</summary>
    internal static string ConvertName(string v1Name)
    {
        var name = v1Name.ToLowerInvariant().Replace('/', '.');
        name = NonNameCharacters().Replace(name, "-");
        name = DotDashRuns().Replace(name, ".");
        return name.Trim('.', '-');
    }

    /// <summary>Calico's convertNameNoDots: as <see cref="ConvertName"/> but dots become '-' too.</summary>
    internal static string ConvertNameNoDots(string v1Name) =>
        NonNameNoDotCharacters().Replace(v1Name.ToLowerInvariant(), "-").Trim('-');

    /// <summary>Calico's convertIpToName: 1-2-3-4 for IPv4; eight 4-digit hex groups joined by '-' for IPv6.</summary>
    internal static string IPToName(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return address.ToString().Replace('.', '-');
        var bytes = address.GetAddressBytes();
        return string.Join('-', Enumerable.Range(0, 8).Select(i => $"{bytes[2 * i]:x2}{bytes[(2 * i) + 1]:x2}"));
    }

    [GeneratedRegex("[^-.a-z0-9]+")]
    private static partial Regex NonNameCharacters();

    [GeneratedRegex("[^-a-z0-9]+")]
    private static partial Regex NonNameNoDotCharacters();

    [GeneratedRegex("[.-]*[.][.-]*")]
    private static partial Regex DotDashRuns();

    /// <summary>The per-document conversion; collects notes once each.</summary>
    private sealed class Converter(List<string> notes)
    {
        private void Note(string note)
        {
            if (!notes.Contains(note)) notes.Add(note);
        }

        public (string, JsonObject, JsonObject) Policy(V1Object metadata, V1Object spec)
        {
            var name = metadata.String("name") ?? "";
            var v3Name = ConvertNameNoDots(name);
            if (v3Name != name) Note($"policy name '{name}' became '{v3Name}'");
            Note("v1 policies are global: it became a GlobalNetworkPolicy");
            var meta = new JsonObject { ["name"] = v3Name };
            CopyIfPresent(meta, "annotations", metadata.Take("annotations"));
            var v3 = new JsonObject();
            CopyIfPresent(v3, "order", spec.Take("order"));
            CopyIfPresent(v3, "ingress", Rules(spec, "ingress"));
            CopyIfPresent(v3, "egress", Rules(spec, "egress"));
            if (spec.String("selector") is { } selector) v3["selector"] = Selector(selector);
            if (spec.Has("types"))
            {
                v3["types"] = new JsonArray([.. spec.List("types").Select(t => (JsonNode?)JsonValue.Create(PolicyType(t.Item)))]);
            }
            var doNotTrack = spec.Bool("doNotTrack");
            var preDnat = spec.Bool("preDNAT");
            var applyOnForward = spec.Bool("applyOnForward");
            if (doNotTrack is not null) v3["doNotTrack"] = doNotTrack;
            if (preDnat is not null) v3["preDNAT"] = preDnat;
            if (doNotTrack == true || preDnat == true)
            {
                // Untracked and pre-DNAT policy always applied to forwarded traffic in v1.
                if (applyOnForward != true) Note("doNotTrack/preDNAT policy got applyOnForward: true, as v1 implied");
                applyOnForward = true;
            }
            if (applyOnForward is not null) v3["applyOnForward"] = applyOnForward;
            return (ResourceKinds.GlobalNetworkPolicy.Name, meta, v3);
        }

        public (string, JsonObject, JsonObject) Profile(V1Object metadata, V1Object spec)
        {
            var name = metadata.String("name") ?? "";
            var v3Name = ProfileName(name);
            if (v3Name != name) Note($"profile name '{name}' became '{v3Name}'");
            var labelsToApply = metadata.Take("labels") as JsonObject ?? [];
            if (labelsToApply.Count > 0) Note("profile metadata.labels became spec.labelsToApply");
            foreach (var (tag, path) in metadata.List("tags"))
            {
                if (tag is not JsonValue value || !value.TryGetValue(out string? text))
                {
                    metadata.Errors.Add(new(path, "expected a string tag"));
                    continue;
                }
                if (labelsToApply.ContainsKey(text))
                {
                    metadata.Errors.Add(new(path, $"tag '{text}' clashes with the label of the same name"));
                    continue;
                }
                labelsToApply[text] = "";
                Note("profile tags became labels (spec.labelsToApply with empty values)");
            }
            var v3 = new JsonObject();
            CopyIfPresent(v3, "ingress", Rules(spec, "ingress"));
            CopyIfPresent(v3, "egress", Rules(spec, "egress"));
            if (labelsToApply.Count > 0) v3["labelsToApply"] = labelsToApply;
            return (ResourceKinds.Profile.Name, new JsonObject { ["name"] = v3Name }, v3);
        }

        public (string, JsonObject, JsonObject) Pool(V1Object metadata, V1Object spec)
        {
            var cidrText = metadata.String("cidr") ?? "";
            var cidr = NormalizeCidr(cidrText, metadata.At("cidr"));
            var name = cidr.Replace('.', '-').Replace(':', '-').Replace('/', '-');
            Note($"pool named '{name}' after its CIDR");
            var v3 = new JsonObject { ["cidr"] = cidr };
            var ipip = spec.Object("ipip");
            if (ipip.Has("enabled") || ipip.Has("mode"))
            {
                var enabled = ipip.Bool("enabled") ?? false;
                var mode = ipip.String("mode") ?? "always";
                v3["ipipMode"] = !enabled ? "Never" : mode.Equals("cross-subnet", StringComparison.OrdinalIgnoreCase) ? "CrossSubnet" : "Always";
                if (enabled && !mode.Equals("cross-subnet", StringComparison.OrdinalIgnoreCase) && !mode.Equals("always", StringComparison.OrdinalIgnoreCase))
                {
                    ipip.Errors.Add(new(ipip.At("mode"), $"invalid v1 ipip mode '{mode}' (expected always or cross-subnet)"));
                }
                Note($"ipip {{enabled: {(enabled ? "true" : "false")}, mode: {mode}}} became ipipMode: {v3["ipipMode"]}");
            }
            ipip.Finish();
            if (spec.Bool("nat-outgoing") is { } nat)
            {
                v3["natOutgoing"] = nat;
                Note("nat-outgoing became natOutgoing");
            }
            if (spec.Bool("disabled") is { } disabled) v3["disabled"] = disabled;
            return (ResourceKinds.IPPool.Name, new JsonObject { ["name"] = name }, v3);
        }

        public (string, JsonObject, JsonObject) Peer(V1Object metadata, V1Object spec)
        {
            var scope = metadata.String("scope") ?? "global";
            var node = metadata.String("node");
            var peerIP = metadata.String("peerIP") ?? "";
            var v3 = new JsonObject();
            var ipName = IPAddressText.TryParse(peerIP, out var address) ? IPToName(address) : ConvertName(peerIP);
            string name;
            switch (scope)
            {
                case "node":
                    if (node is null) metadata.Errors.Add(new(metadata.At("node"), "required for a node-scoped peer"));
                    var nodeName = ConvertName(node ?? "");
                    name = $"{nodeName}.{ipName}";
                    v3["node"] = nodeName;
                    break;
                case "global":
                    name = ipName;
                    break;
                default:
                    metadata.Errors.Add(new(metadata.At("scope"), $"invalid value '{scope}' (expected node or global)"));
                    name = ipName;
                    break;
            }
            Note($"peer named '{name}' from its scope, node and peerIP");
            v3["peerIP"] = peerIP;
            CopyIfPresent(v3, "asNumber", spec.Take("asNumber"));
            return (ResourceKinds.BGPPeer.Name, new JsonObject { ["name"] = name }, v3);
        }

        public (string, JsonObject, JsonObject) HostEndpoint(V1Object metadata, V1Object spec)
        {
            var node = ConvertName(metadata.String("node") ?? "");
            var endpoint = metadata.String("name") ?? "";
            var name = ConvertName($"{node}.{endpoint}");
            Note($"host endpoints are cluster-wide in v3: named '{name}' from node and name");
            var meta = new JsonObject { ["name"] = name };
            CopyIfPresent(meta, "labels", metadata.Take("labels"));
            var v3 = new JsonObject { ["node"] = node };
            CopyIfPresent(v3, "interfaceName", spec.Take("interfaceName"));
            CopyIfPresent(v3, "expectedIPs", spec.Take("expectedIPs"));
            CopyIfPresent(v3, "profiles", Profiles(spec));
            CopyIfPresent(v3, "ports", EndpointPorts(spec));
            return (ResourceKinds.HostEndpoint.Name, meta, v3);
        }

        public (string, JsonObject, JsonObject) WorkloadEndpoint(V1Object metadata, V1Object spec)
        {
            var node = ConvertName(metadata.String("node") ?? "");
            var orchestrator = ConvertName(metadata.String("orchestrator") ?? "");
            var workloadId = metadata.String("workload") ?? "";
            var endpoint = ConvertName(metadata.String("name") ?? "");
            var activeInstance = metadata.String("activeInstanceID");
            var ns = ResourceDefaults.DefaultNamespace;
            var v3 = new JsonObject();
            string workloadPart;
            if (orchestrator == "k8s" && workloadId.Split('.', 2) is [var podNamespace, var pod])
            {
                ns = podNamespace;
                workloadPart = pod;
                v3["pod"] = pod;
                if (activeInstance is not null) v3["containerID"] = activeInstance;
            }
            else
            {
                workloadPart = ConvertName(workloadId);
                v3["workload"] = workloadPart;
                if (activeInstance is not null) v3["containerID"] = activeInstance;
                Note($"workload endpoints are namespaced in v3: placed in namespace '{ns}'");
            }
            var name = string.Join('-', new[] { node, orchestrator, workloadPart, endpoint }.Select(p => p.Replace("-", "--", StringComparison.Ordinal)));
            Note($"endpoint named '{name}' from node, orchestrator, workload and endpoint (Calico's naming)");
            var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
            if (metadata.Take("labels") is JsonObject labels)
            {
                if (labels[V1NamespaceLabel] is { } k8sNamespace)
                {
                    labels.Remove(V1NamespaceLabel);
                    labels[ResourceDefaults.NamespaceLabel] = k8sNamespace.DeepClone();
                    Note($"label {V1NamespaceLabel} became {ResourceDefaults.NamespaceLabel}");
                }
                meta["labels"] = labels;
            }
            v3["orchestrator"] = orchestrator;
            v3["node"] = node;
            v3["endpoint"] = endpoint;
            var networks = new JsonArray();
            foreach (var (item, path) in spec.List("ipNetworks"))
            {
                networks.Add(item is JsonValue value && value.TryGetValue(out string? text) ? NormalizeCidr(text, path) : item?.DeepClone());
            }
            if (networks.Count > 0) v3["ipNetworks"] = networks;
            CopyIfPresent(v3, "ipNATs", spec.Take("ipNATs"));
            CopyIfPresent(v3, "ipv4Gateway", spec.Take("ipv4Gateway"));
            CopyIfPresent(v3, "ipv6Gateway", spec.Take("ipv6Gateway"));
            CopyIfPresent(v3, "profiles", Profiles(spec));
            CopyIfPresent(v3, "interfaceName", spec.Take("interfaceName"));
            CopyIfPresent(v3, "mac", spec.Take("mac"));
            CopyIfPresent(v3, "ports", EndpointPorts(spec));
            return (ResourceKinds.WorkloadEndpoint.Name, meta, v3);
        }

        public (string, JsonObject, JsonObject) Node(V1Object metadata, V1Object spec)
        {
            var name = metadata.String("name") ?? "";
            var v3Name = ConvertName(name);
            if (v3Name != name) Note($"node name '{name}' became '{v3Name}'");
            var v3 = new JsonObject();
            var bgp = spec.Object("bgp");
            var v3Bgp = new JsonObject();
            CopyIfPresent(v3Bgp, "asNumber", bgp.Take("asNumber"));
            CopyIfPresent(v3Bgp, "ipv4Address", bgp.Take("ipv4Address"));
            CopyIfPresent(v3Bgp, "ipv6Address", bgp.Take("ipv6Address"));
            bgp.Finish();
            if (v3Bgp.Count > 0) v3["bgp"] = v3Bgp;
            CopyIfPresent(v3, "orchRefs", spec.Take("orchRefs"));
            return (ResourceKinds.Node.Name, new JsonObject { ["name"] = v3Name }, v3);
        }

        private JsonArray? Profiles(V1Object spec)
        {
            var result = new JsonArray();
            foreach (var (item, _) in spec.List("profiles"))
            {
                result.Add(item is JsonValue value && value.TryGetValue(out string? text) ? ProfileName(text) : item?.DeepClone());
            }
            return result.Count > 0 ? result : null;
        }

        private JsonArray? EndpointPorts(V1Object spec)
        {
            var result = new JsonArray();
            foreach (var (item, path) in spec.List("ports"))
            {
                var port = V1Object.Of(item, path, spec.Errors);
                var v3 = new JsonObject();
                CopyIfPresent(v3, "name", port.Take("name"));
                CopyIfPresent(v3, "protocol", Protocol(port.Take("protocol")));
                CopyIfPresent(v3, "port", port.Take("port"));
                port.Finish();
                result.Add(v3);
            }
            return result.Count > 0 ? result : null;
        }

        private string ProfileName(string name) =>
            name.StartsWith("k8s_ns.", StringComparison.Ordinal) ? ConvertName("kns." + name["k8s_ns.".Length..]) : ConvertName(name);

        private JsonArray? Rules(V1Object spec, string field)
        {
            if (!spec.Has(field))
            {
                spec.Take(field);
                return null;
            }
            var result = new JsonArray();
            foreach (var (item, path) in spec.List(field)) result.Add(Rule(V1Object.Of(item, path, spec.Errors)));
            return result;
        }

        private JsonObject Rule(V1Object rule)
        {
            var v3 = new JsonObject();
            var action = rule.String("action") ?? "allow";
            if (Actions.TryGetValue(action, out var v3Action))
            {
                if (v3Action != action) Note("rule actions took their v3 spelling (allow -> Allow, next-tier -> Pass)");
                v3["action"] = v3Action;
            }
            else
            {
                rule.Errors.Add(new(rule.At("action"), $"invalid v1 action '{action}' (expected allow, deny, log, pass or next-tier)"));
            }
            CopyIfPresent(v3, "ipVersion", rule.Take("ipVersion"));
            CopyIfPresent(v3, "protocol", Protocol(rule.Take("protocol")));
            CopyIfPresent(v3, "icmp", rule.Take("icmp"));
            CopyIfPresent(v3, "notProtocol", Protocol(rule.Take("notProtocol")));
            CopyIfPresent(v3, "notICMP", rule.Take("notICMP"));
            var source = rule.Object("source");
            var destination = rule.Object("destination");
            v3["source"] = Entity(source);
            v3["destination"] = Entity(destination);
            source.Finish();
            destination.Finish();
            rule.Finish();
            return v3;
        }

        private JsonObject Entity(V1Object entity)
        {
            var v3 = new JsonObject();
            CopyIfPresent(v3, "nets", Nets(entity, "net", "nets"));
            CopyIfPresent(v3, "selector", MergeTag(entity, "selector", "tag"));
            CopyIfPresent(v3, "ports", entity.Take("ports"));
            CopyIfPresent(v3, "notNets", Nets(entity, "notNet", "notNets"));
            CopyIfPresent(v3, "notSelector", MergeTag(entity, "notSelector", "notTag"));
            CopyIfPresent(v3, "notPorts", entity.Take("notPorts"));
            return v3;
        }

        private JsonArray? Nets(V1Object entity, string single, string plural)
        {
            var result = new JsonArray();
            if (entity.String(single) is { } net)
            {
                result.Add(NormalizeCidr(net, entity.At(single)));
                Note($"{single} became {plural}");
            }
            foreach (var (item, path) in entity.List(plural))
            {
                result.Add(item is JsonValue value && value.TryGetValue(out string? text) ? NormalizeCidr(text, path) : item?.DeepClone());
            }
            return result.Count > 0 ? result : null;
        }

        /// <summary>Calico's mergeTagsAndSelectors: a tag t becomes the selector <c>t == ''</c>, ANDed with any selector.</summary>
        private JsonNode? MergeTag(V1Object entity, string selectorField, string tagField)
        {
            var selector = entity.String(selectorField) is { } s ? Selector(s) : null;
            var tag = entity.String(tagField);
            if (tag is null) return selector;
            Note($"{tagField} became a label match in {selectorField}");
            return selector is null ? $"{tag} == ''" : $"({selector}) && {tag} == ''";
        }

        private string Selector(string selector)
        {
            if (!selector.Contains(V1NamespaceLabel, StringComparison.Ordinal)) return selector;
            Note($"selectors on {V1NamespaceLabel} now use {ResourceDefaults.NamespaceLabel}");
            return selector.Replace(V1NamespaceLabel, ResourceDefaults.NamespaceLabel, StringComparison.Ordinal);
        }

        private JsonNode? Protocol(JsonNode? protocol)
        {
            if (protocol is not JsonValue value || !value.TryGetValue(out string? text)) return protocol;
            var known = Api.Protocol.KnownNames.FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (known is null) return protocol;
            if (known != text) Note("protocol names took their v3 spelling (tcp -> TCP)");
            return known;
        }

        private static string PolicyType(JsonNode? type) =>
            type is JsonValue value && value.TryGetValue(out string? text)
                ? text.ToLowerInvariant() switch { "ingress" => "Ingress", "egress" => "Egress", _ => text }
                : "";

        /// <summary>v1 masked rule and endpoint networks silently (Calico's normalizeIPNet); note it when it happens.</summary>
        private string NormalizeCidr(string text, string path)
        {
            if (Cidr.TryParse(text, out var strict)) return strict.ToString();
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPAddressText.TryParse(text[..slash], out var address)
                && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
                && prefix <= (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
            {
                var masked = Cidr.Containing(address, prefix);
                Note($"{path}: {text} had host bits set and became {masked} (v1 masked it silently)");
                return masked.ToString();
            }
            return text;
        }

        private static void CopyIfPresent(JsonObject target, string name, JsonNode? value)
        {
            if (value is not null) target[name] = value;
        }
    }
}
