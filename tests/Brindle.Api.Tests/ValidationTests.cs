namespace Brindle.Api.Tests;

public sealed class ValidationTests
{
    private const string V3 = "apiVersion: projectcalico.org/v3\n";

    private static IReadOnlyList<ResourceError> Check(string yaml, ValidationContext? context = null)
    {
        var read = ResourceCodec.Read(yaml, "test.yaml");
        Assert.Empty(read.Errors);
        var documents = read.Documents.Select(d => d with { Resource = ResourceDefaults.Apply(d.Resource) }).ToList();
        return ResourceValidator.Validate(documents, context ?? ValidationContext.Empty);
    }

    private static string Policy(string rule, string kind = "NetworkPolicy", string extraSpec = "") =>
        $"{V3}kind: {kind}\nmetadata: {{name: p{(kind == "NetworkPolicy" ? ", namespace: default" : "")}}}\nspec:\n{extraSpec}  ingress:\n  - {rule}\n";

    private static string Pool(string spec, string name = "pool") => $"{V3}kind: IPPool\nmetadata: {{name: {name}}}\nspec: {{{spec}}}\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        // Names and metadata.
        { $"{V3}kind: IPPool\nmetadata: {{name: Bad_Name}}\nspec: {{cidr: 10.0.0.0/16}}\n", "metadata.name", "lower case alphanumeric" },
        { $"{V3}kind: Tier\nmetadata: {{name: a.b}}\n", "metadata.name", "name 'a.b'" },
        { $"{V3}kind: GlobalNetworkSet\nmetadata: {{name: s, namespace: x}}\n", "metadata.namespace", "cluster-scoped" },
        { $"{V3}kind: NetworkSet\nmetadata: {{name: s, labels: {{'projectcalico.org/namespace': x}}}}\n", "metadata.labels", "reserved" },
        { $"{V3}kind: HostEndpoint\nmetadata: {{name: h, labels: {{'bad key!': x}}}}\nspec: {{node: n, interfaceName: eth0}}\n", "metadata.labels", "qualified name" },
        { $"{V3}kind: HostEndpoint\nmetadata: {{name: h, labels: {{k: '-x'}}}}\nspec: {{node: n, interfaceName: eth0}}\n", "metadata.labels.k", "label value" },
        { $"{V3}kind: IPAMConfiguration\nmetadata: {{name: other}}\n", "metadata.name", "singleton" },
        { $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: Prod}}\n", "metadata.name", "lower case" },
        // IP pools.
        { Pool("cidr: 10.0.0.0/16, blockSize: 19"), "spec.blockSize", "out of range 20-32" },
        { Pool("cidr: 'fd00::/64', blockSize: 64"), "spec.blockSize", "out of range 116-128" },
        { Pool("cidr: 10.0.0.0/28"), "spec.cidr", "smaller than one block" },
        { Pool("cidr: 169.254.0.0/16"), "spec.cidr", "link-local" },
        { Pool("cidr: 10.0.0.0/16, ipipMode: Always, vxlanMode: Always"), "spec.ipipMode", "cannot both" },
        { Pool("cidr: 'fd00::/64', ipipMode: CrossSubnet"), "spec.ipipMode", "IPv6" },
        { Pool("cidr: 10.0.0.0/16, nodeSelector: global()"), "spec.nodeSelector", "global()" },
        { Pool("cidr: 10.0.0.0/16, allowedUses: [Workload, LoadBalancer]"), "spec.allowedUses", "LoadBalancer" },
        // Rules: ports and protocols.
        { Policy("{action: Allow, protocol: TCP, destination: {ports: [80, 70000]}}"), "spec.ingress[0].destination.ports[1]", "port 70000 out of range 1-65535" },
        { Policy("{action: Allow, protocol: TCP, destination: {ports: ['90:80']}}"), "spec.ingress[0].destination.ports[0]", "reversed" },
        { Policy("{action: Allow, protocol: TCP, source: {notPorts: ['Bad Name']}}"), "spec.ingress[0].source.notPorts[0]", "not a valid port" },
        { Policy("{action: Allow, destination: {ports: [80]}}"), "spec.ingress[0].destination.ports", "must set protocol" },
        { Policy("{action: Allow, protocol: ICMP, destination: {ports: [80]}}"), "spec.ingress[0].destination.ports", "does not support ports" },
        { Policy("{action: Allow, protocol: tcp}"), "spec.ingress[0].protocol", "unknown protocol 'tcp'" },
        { Policy("{action: Allow, notProtocol: 256}"), "spec.ingress[0].notProtocol", "out of range 1-255" },
        { Policy("{action: Allow, protocol: TCP, icmp: {type: 8}}"), "spec.ingress[0].icmp", "only allowed with protocol ICMP" },
        { Policy("{action: Allow, protocol: ICMP, icmp: {type: 255}}"), "spec.ingress[0].icmp.type", "out of range 0-254" },
        { Policy("{action: Allow, protocol: ICMP, notICMP: {code: 3}}"), "spec.ingress[0].notICMP.code", "requires an ICMP type" },
        { Policy("{action: Allow, protocol: ICMP, ipVersion: 6}"), "spec.ingress[0].protocol", "does not match ipVersion" },
        { Policy("{action: Allow, ipVersion: 5}"), "spec.ingress[0].ipVersion", "must be 4 or 6" },
        // Rules: nets and selectors.
        { Policy("{action: Allow, source: {nets: [10.0.0.0/8]}, destination: {nets: ['fd00::/8']}}"), "spec.ingress[0].destination.nets", "mix IPv4 and IPv6" },
        { Policy("{action: Allow, ipVersion: 6, source: {nets: [10.0.0.0/8]}}"), "spec.ingress[0].source.nets", "does not match ipVersion 6" },
        { Policy("{action: Allow, source: {notNets: [0.0.0.0/0]}}"), "spec.ingress[0].source.notNets[0]", "matches everything" },
        { Policy("{action: Allow, source: {selector: global()}}"), "spec.ingress[0].source.selector", "only be used alone in a rule's namespaceSelector" },
        { Policy("{action: Allow, source: {namespaceSelector: global() && a == 'b'}}"), "spec.ingress[0].source.namespaceSelector", "cannot be combined" },
        { Policy("{action: Allow}", extraSpec: "  selector: global()\n"), "spec.selector", "global()" },
        { Policy("{action: Allow}", "GlobalNetworkPolicy", "  namespaceSelector: global()\n"), "spec.namespaceSelector", "global()" },
        { Policy("{action: Allow, destination: {services: {name: s}}}"), "spec.ingress[0].destination.services", "ingress rule's destination" },
        { Policy("{action: Allow, source: {services: {name: s}}}", "GlobalNetworkPolicy"), "spec.ingress[0].source.services.namespace", "namespace is required" },
        { Policy("{action: Allow, http: {paths: [{exact: nope}]}}"), "spec.ingress[0].http.paths[0]", "must start with '/'" },
        // Policy fields.
        { Policy("{action: Allow}", extraSpec: "  order: -1\n"), "spec.order", "must not be negative" },
        { Policy("{action: Allow}", extraSpec: "  types: [Ingress, Ingress]\n"), "spec.types", "duplicate" },
        { Policy("{action: Allow}", extraSpec: "  tier: Bad\n"), "spec.tier", "tier 'Bad'" },
        { $"{V3}kind: NetworkPolicy\nmetadata: {{name: other.p, namespace: default}}\nspec: {{tier: security}}\n", "metadata.name", "tier prefix 'other'" },
        { Policy("{action: Allow}", "GlobalNetworkPolicy", "  doNotTrack: true\n"), "spec.applyOnForward", "must be true" },
        { Policy("{action: Allow}", "GlobalNetworkPolicy", "  preDNAT: true\n  doNotTrack: true\n  applyOnForward: true\n"), "spec.preDNAT", "cannot both" },
        { $"{V3}kind: Tier\nmetadata: {{name: default}}\nspec: {{order: 5}}\n", "spec.order", "fixed" },
        // BGP.
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{peerIP: 10.0.0.300, asNumber: 64512}}\n", "spec.peerIP", "not an IP address" },
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{peerIP: '10.0.0.1:0', asNumber: 64512}}\n", "spec.peerIP", "invalid port" },
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{peerIP: 10.0.0.1}}\n", "spec.asNumber", "required with peerIP" },
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{peerIP: 10.0.0.1, asNumber: 4294967296}}\n", "spec.asNumber", "out of range 0-4294967295" },
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{node: n, nodeSelector: all(), peerSelector: all()}}\n", "spec.nodeSelector", "cannot both" },
        { $"{V3}kind: BGPPeer\nmetadata: {{name: b}}\nspec: {{peerIP: 10.0.0.1, asNumber: 1, reachableBy: 'fd00::1'}}\n", "spec.reachableBy", "same address family" },
        { $"{V3}kind: BGPConfiguration\nmetadata: {{name: default}}\nspec: {{asNumber: -1}}\n", "spec.asNumber", "out of range" },
        { $"{V3}kind: BGPConfiguration\nmetadata: {{name: default}}\nspec: {{listenPort: 70000}}\n", "spec.listenPort", "out of range" },
        { $"{V3}kind: BGPConfiguration\nmetadata: {{name: default}}\nspec: {{communities: [{{name: c, value: '70000:1'}}], prefixAdvertisements: [{{cidr: 10.0.0.0/8, communities: [c]}}]}}\n", "spec.communities[0].value", "16 bits" },
        { $"{V3}kind: BGPFilter\nmetadata: {{name: f}}\nspec: {{exportV4: [{{action: Accept, cidr: 'fd00::/8', matchOperator: In}}]}}\n", "spec.exportV4[0].cidr", "not an IPv4 CIDR" },
        { $"{V3}kind: BGPFilter\nmetadata: {{name: f}}\nspec: {{importV4: [{{action: Allow}}]}}\n", "spec.importV4[0].action", "Accept, Reject" },
        { $"{V3}kind: Node\nmetadata: {{name: n}}\nspec: {{bgp: {{ipv4Address: 'fd00::1/64'}}}}\n", "spec.bgp.ipv4Address", "not an IPv4 address" },
        // Endpoints and Felix.
        { $"{V3}kind: WorkloadEndpoint\nmetadata: {{name: w, namespace: default}}\nspec: {{ipNetworks: [10.0.0.0/24]}}\n", "spec.ipNetworks[0]", "single addresses" },
        { $"{V3}kind: WorkloadEndpoint\nmetadata: {{name: w, namespace: default}}\nspec: {{mac: 'zz:00:00:00:00:00'}}\n", "spec.mac", "not a MAC" },
        { $"{V3}kind: WorkloadEndpoint\nmetadata: {{name: w, namespace: default}}\nspec: {{ipNetworks: [10.0.0.1/32], ipNATs: [{{internalIP: 10.0.0.2, externalIP: 1.2.3.4}}]}}\n", "spec.ipNATs[0].internalIP", "not one of the endpoint's ipNetworks" },
        { $"{V3}kind: WorkloadEndpoint\nmetadata: {{name: w, namespace: default}}\nspec: {{ports: [{{name: dns, protocol: ICMP, port: 53}}]}}\n", "spec.ports[0].protocol", "does not support ports" },
        { $"{V3}kind: HostEndpoint\nmetadata: {{name: h}}\nspec: {{node: n}}\n", "spec.interfaceName", "interfaceName or expectedIPs" },
        { $"{V3}kind: HostEndpoint\nmetadata: {{name: h}}\nspec: {{node: n, expectedIPs: [10.0.0]}}\n", "spec.expectedIPs[0]", "not an IP address" },
        { $"{V3}kind: FelixConfiguration\nmetadata: {{name: default}}\nspec: {{vxlanVNI: 0, healthPort: 0}}\n", "spec.vxlanVNI", "out of range" },
        { $"{V3}kind: FelixConfiguration\nmetadata: {{name: default}}\nspec: {{failsafeInboundHostPorts: [{{protocol: ICMP, port: 22}}]}}\n", "spec.failsafeInboundHostPorts[0].protocol", "TCP, UDP, SCTP" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_field(string yaml, string field, string reason)
    {
        var errors = Check(yaml);

        Assert.Contains(errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Examples.V3), MemberType = typeof(Examples))]
    public void Every_v3_example_is_valid_after_defaults(string file)
    {
        var read = Examples.Read("seed-v3", file);
        var documents = read.Documents.Select(d => d with { Resource = ResourceDefaults.Apply(d.Resource) }).ToList();

        Assert.Empty(ResourceValidator.Validate(documents, ValidationContext.Empty));
    }

    [Fact]
    public void Every_problem_in_a_document_is_reported_at_once_with_location()
    {
        var errors = Check(Policy("{action: Allow, protocol: TCP, destination: {ports: [0, 70000]}, source: {selector: global()}}", extraSpec: "  order: -5\n"));

        Assert.Equal(
            [
                "test.yaml: document 1 (NetworkPolicy 'default/p'): spec.order: order -5 must not be negative",
                "test.yaml: document 1 (NetworkPolicy 'default/p'): spec.ingress[0].source.selector: global() can only be used alone in a rule's namespaceSelector",
                "test.yaml: document 1 (NetworkPolicy 'default/p'): spec.ingress[0].destination.ports[0]: port 0 out of range 1-65535",
                "test.yaml: document 1 (NetworkPolicy 'default/p'): spec.ingress[0].destination.ports[1]: port 70000 out of range 1-65535",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Namespace_selector_global_alone_is_allowed()
    {
        Assert.Empty(Check(Policy("{action: Allow, source: {namespaceSelector: global(), selector: \"a == 'b'\"}}")));
    }

    [Fact]
    public void Overlapping_pools_are_rejected_within_the_batch_and_against_stored_pools()
    {
        var stored = new IPPool { Metadata = new() { Name = "stored" }, Spec = new() { Cidr = Cidr.Parse("192.168.0.0/16") } };
        var yaml = Pool("cidr: 10.0.0.0/16", "a") + "---\n" + Pool("cidr: 10.0.128.0/20", "b") + "---\n" + Pool("cidr: 192.168.4.0/24", "c");

        var errors = Check(yaml, new ValidationContext([stored]));

        Assert.Equal(
            [
                "test.yaml: document 2 (IPPool 'b'): spec.cidr: 10.0.128.0/20 overlaps IPPool 'a' (10.0.0.0/16)",
                "test.yaml: document 3 (IPPool 'c'): spec.cidr: 192.168.4.0/24 overlaps IPPool 'stored' (192.168.0.0/16)",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Re_applying_a_stored_pool_is_not_an_overlap_but_changing_its_cidr_is_an_error()
    {
        var stored = ResourceDefaults.Apply(new IPPool { Metadata = new() { Name = "a" }, Spec = new() { Cidr = Cidr.Parse("10.0.0.0/16") } });

        Assert.Empty(Check(Pool("cidr: 10.0.0.0/16", "a"), new ValidationContext([stored])));
        var error = Assert.Single(Check(Pool("cidr: 10.1.0.0/16", "a"), new ValidationContext([stored])));
        Assert.Equal("spec.cidr", error.Field);
    }

    [Fact]
    public void Repeated_resources_in_one_batch_are_reported()
    {
        var error = Assert.Single(Check(Pool("cidr: 10.0.0.0/16", "a") + "---\n" + Pool("cidr: 10.0.0.0/16", "a")));

        Assert.Equal(2, error.DocumentIndex);
        Assert.Contains("from test.yaml document 1", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Selector_syntax_is_checked_through_the_port()
    {
        var errors = Check(Policy("{action: Allow, source: {selector: 'a ==', notSelector: has(x)}}"), new ValidationContext([], new RejectEquals()));

        var error = Assert.Single(errors);
        Assert.Equal("spec.ingress[0].source.selector", error.Field);
        Assert.Equal("invalid selector: dangling ==", error.Reason);
    }

    [Fact]
    public void Single_resource_validation_has_no_source()
    {
        var pool = new IPPool { Metadata = new() { Name = "p" }, Spec = new() { Cidr = Cidr.Parse("10.0.0.0/16"), BlockSize = 33 } };

        var error = Assert.Single(ResourceValidator.Validate(pool, ValidationContext.Empty));

        Assert.Equal("IPPool 'p': spec.blockSize: blockSize 33 out of range 20-32 for an IPv4 pool", error.ToString());
    }

    private sealed class RejectEquals : ISelectorSyntax
    {
        public string? Check(string selector) => selector.EndsWith("==", StringComparison.Ordinal) ? "dangling ==" : null;
    }
}
