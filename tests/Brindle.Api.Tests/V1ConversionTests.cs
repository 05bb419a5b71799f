namespace Brindle.Api.Tests;

public sealed class V1ConversionTests
{
    [Theory]
    [MemberData(nameof(Examples.V1), MemberType = typeof(Examples))]
    public void Every_seed_v1_example_converts_to_valid_v3(string file)
    {
        var result = Examples.Read("seed-v1", file);

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Documents);
        Assert.All(result.Documents, d => Assert.True(d.ConvertedFromV1));
        Assert.All(result.Documents, d => Assert.NotEmpty(d.ConversionNotes));
        var defaulted = result.Documents.Select(d => d with { Resource = ResourceDefaults.Apply(d.Resource) }).ToList();
        Assert.Empty(ResourceValidator.Validate(defaulted, ValidationContext.Empty));
        var yaml = ResourceCodec.WriteYaml(result.Documents.Select(d => d.Resource));
        Assert.DoesNotContain("apiVersion: v1", yaml, StringComparison.Ordinal);
        Assert.Equal(result.Documents.Select(d => d.Resource), ResourceCodec.Read(yaml, "again").Documents.Select(d => d.Resource));
    }

    [Fact]
    public void Ippool_ipip_and_nat_outgoing_map_to_v3_fields()
    {
        var document = Assert.Single(Examples.Read("seed-v1", "ippool.yaml").Documents);
        var pool = Assert.IsType<IPPool>(document.Resource);

        Assert.Equal("10-1-0-0-16", pool.Name);
        Assert.Equal(Cidr.Parse("10.1.0.0/16"), pool.Spec.Cidr);
        Assert.Equal(EncapsulationMode.CrossSubnet, pool.Spec.IpipMode);
        Assert.True(pool.Spec.NatOutgoing);
        Assert.Contains("nat-outgoing became natOutgoing", document.ConversionNotes);
    }

    [Theory]
    [InlineData("true", "always", EncapsulationMode.Always)]
    [InlineData("true", "cross-subnet", EncapsulationMode.CrossSubnet)]
    [InlineData("false", "cross-subnet", EncapsulationMode.Never)]
    public void Ipip_modes(string enabled, string mode, EncapsulationMode expected)
    {
        var yaml = $"apiVersion: v1\nkind: ipPool\nmetadata: {{cidr: 10.2.0.0/16}}\nspec: {{ipip: {{enabled: {enabled}, mode: {mode}}}}}\n";

        var pool = Assert.IsType<IPPool>(Assert.Single(ResourceCodec.Read(yaml, "p.yaml").Documents).Resource);

        Assert.Equal(expected, pool.Spec.IpipMode);
    }

    [Fact]
    public void Profile_labels_and_tags_become_labels_to_apply()
    {
        const string yaml = "apiVersion: v1\nkind: profile\nmetadata:\n  name: web\n  tags: [frontend]\n  labels: {tier: web}\nspec:\n  ingress:\n  - action: next-tier\n    source: {tag: frontend, selector: \"a == 'b'\"}\n";

        var document = Assert.Single(ResourceCodec.Read(yaml, "p.yaml").Documents);
        var profile = Assert.IsType<Profile>(document.Resource);

        Assert.Equal(EquatableMap.Create(("frontend", ""), ("tier", "web")), profile.Spec.LabelsToApply);
        Assert.True(profile.Metadata.Labels.IsEmpty);
        var rule = Assert.Single(profile.Spec.Ingress);
        Assert.Equal(RuleAction.Pass, rule.Action);
        Assert.Equal("(a == 'b') && frontend == ''", rule.Source.Selector);
        Assert.Contains("profile tags became labels (spec.labelsToApply with empty values)", document.ConversionNotes);
    }

    [Fact]
    public void Rule_nets_merge_and_host_bits_are_masked_with_a_note()
    {
        const string yaml = "apiVersion: v1\nkind: policy\nmetadata: {name: p}\nspec:\n  egress:\n  - action: deny\n    protocol: udp\n    destination: {net: 10.0.0.1/8, nets: [192.168.0.0/16], notNet: 10.1.0.0/16}\n";

        var document = Assert.Single(ResourceCodec.Read(yaml, "p.yaml").Documents);
        var policy = Assert.IsType<GlobalNetworkPolicy>(document.Resource);

        var rule = Assert.Single(policy.Spec.Egress);
        Assert.Equal(Protocol.Udp, rule.Protocol);
        Assert.Equal([Cidr.Parse("10.0.0.0/8"), Cidr.Parse("192.168.0.0/16")], rule.Destination.Nets);
        Assert.Equal([Cidr.Parse("10.1.0.0/16")], rule.Destination.NotNets);
        Assert.Contains(document.ConversionNotes, n => n.Contains("host bits", StringComparison.Ordinal));
        Assert.Equal([PolicyType.Egress], ResourceDefaults.Apply(policy).Spec.Types);
    }

    [Fact]
    public void Bgp_peer_names_follow_calicoctl_convert()
    {
        // The example from Calico's "Converting your calicoctl manifests" page.
        const string yaml = "- apiVersion: v1\n  kind: bgpPeer\n  metadata: {node: Node1, peerIP: 'aa:bb::ff', scope: node}\n  spec: {asNumber: 64514}\n- apiVersion: v1\n  kind: bgpPeer\n  metadata: {peerIP: 5.5.5.5, scope: global}\n  spec: {asNumber: 6555}\n";

        var peers = ResourceCodec.Read(yaml, "p.yaml").Documents.Select(d => Assert.IsType<BGPPeer>(d.Resource)).ToList();

        Assert.Equal(["node1.00aa-00bb-0000-0000-0000-0000-0000-00ff", "5-5-5-5"], peers.Select(p => p.Name));
        Assert.Equal("node1", peers[0].Spec.Node);
        Assert.Null(peers[1].Spec.Node);
    }

    [Fact]
    public void K8s_workload_ids_give_namespace_and_pod()
    {
        const string yaml = "apiVersion: v1\nkind: workloadEndpoint\nmetadata: {name: eth0, workload: prod.web-1, orchestrator: k8s, node: n1, labels: {'calico/k8s_ns': prod}}\nspec: {ipNetworks: ['fd00::1']}\n";

        var endpoint = Assert.IsType<WorkloadEndpoint>(Assert.Single(ResourceCodec.Read(yaml, "w.yaml").Documents).Resource);

        Assert.Equal("prod", endpoint.Namespace);
        Assert.Equal("n1-k8s-web--1-eth0", endpoint.Name);
        Assert.Equal("web-1", endpoint.Spec.Pod);
        Assert.Equal("prod", endpoint.Metadata.Labels["projectcalico.org/namespace"]);
        Assert.False(endpoint.Metadata.Labels.ContainsKey("calico/k8s_ns"));
        Assert.Equal([Cidr.Parse("fd00::1/128")], endpoint.Spec.IPNetworks);
    }

    [Fact]
    public void Kubernetes_namespace_is_not_treated_as_v1()
    {
        var document = Assert.Single(ResourceCodec.Read("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n", "n.yaml").Documents);

        Assert.IsType<KubernetesNamespace>(document.Resource);
        Assert.False(document.ConvertedFromV1);
    }

    [Fact]
    public void Unknown_v1_fields_and_kinds_are_errors_with_v1_paths()
    {
        const string yaml = "apiVersion: v1\nkind: profile\nmetadata: {name: p, colour: red}\nspec:\n  ingress:\n  - action: allow\n    source: {nett: 10.0.0.0/8}\n---\napiVersion: v1\nkind: tier\nmetadata: {name: t}\n";

        var result = ResourceCodec.Read(yaml, "bad.yaml");

        Assert.Empty(result.Documents);
        Assert.Equal(
            [
                "bad.yaml: document 1 (profile 'p'): spec.ingress[0].source.nett: unknown field",
                "bad.yaml: document 1 (profile 'p'): metadata.colour: unknown field",
                "bad.yaml: document 2 (tier 't'): kind: unknown calicoctl v1 kind 'tier' (expected policy, profile, ipPool, bgpPeer, hostEndpoint, workloadEndpoint or node)",
            ],
            result.Errors.Select(e => e.ToString()));
    }
}
