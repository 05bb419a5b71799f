namespace Brindle.Api.Tests;

public sealed class DefaultsTests
{
    private static IPPool Pool(string cidr) => new() { Metadata = new() { Name = "p" }, Spec = new() { Cidr = Cidr.Parse(cidr) } };

    [Theory]
    [InlineData("10.0.0.0/16", 26)]
    [InlineData("fd00::/64", 122)]
    public void Pool_defaults_follow_calico(string cidr, int blockSize)
    {
        var spec = ResourceDefaults.Apply(Pool(cidr)).Spec;

        Assert.Equal(blockSize, spec.BlockSize);
        Assert.Equal("all()", spec.NodeSelector);
        Assert.Equal(EncapsulationMode.Never, spec.IpipMode);
        Assert.Equal(EncapsulationMode.Never, spec.VxlanMode);
        Assert.False(spec.NatOutgoing);
        Assert.False(spec.Disabled);
        Assert.Equal([IPPoolAllowedUse.Workload, IPPoolAllowedUse.Tunnel], spec.AllowedUses);
        Assert.Equal(IPPoolAssignmentMode.Automatic, spec.AssignmentMode);
    }

    [Fact]
    public void Defaults_never_overwrite_user_values_and_are_idempotent()
    {
        var pool = Pool("10.0.0.0/16") with
        {
            Spec = Pool("10.0.0.0/16").Spec with { BlockSize = 28, IpipMode = EncapsulationMode.Always, NodeSelector = "rack == 'a'", NatOutgoing = true },
        };

        var once = ResourceDefaults.Apply(pool);

        Assert.Equal(28, once.Spec.BlockSize);
        Assert.Equal(EncapsulationMode.Always, once.Spec.IpipMode);
        Assert.Equal("rack == 'a'", once.Spec.NodeSelector);
        Assert.True(once.Spec.NatOutgoing);
        Assert.Equal(once, ResourceDefaults.Apply(once));
    }

    private static readonly Rule Allow = new() { Action = RuleAction.Allow };

    public static TheoryData<Rule[], Rule[], PolicyType[]> TypeCases => new()
    {
        { [], [], [PolicyType.Ingress] },
        { [Allow], [], [PolicyType.Ingress] },
        { [], [Allow], [PolicyType.Egress] },
        { [Allow], [Allow], [PolicyType.Ingress, PolicyType.Egress] },
    };

    [Theory]
    [MemberData(nameof(TypeCases))]
    public void Policy_types_default_from_the_rules(Rule[] ingress, Rule[] egress, PolicyType[] expected)
    {
        var policy = new NetworkPolicy { Metadata = new() { Name = "p", Namespace = "ns" }, Spec = new() { Ingress = ingress, Egress = egress } };

        var defaulted = ResourceDefaults.Apply(policy);

        Assert.Equal(expected, defaulted.Spec.Types);
        Assert.Equal("default", defaulted.Spec.Tier);
        Assert.Null(defaulted.Spec.Order);
    }

    [Fact]
    public void Explicit_types_are_kept_and_pre_dnat_means_ingress()
    {
        var explicitEgress = new GlobalNetworkPolicy { Metadata = new() { Name = "g" }, Spec = new() { Types = [PolicyType.Egress], Ingress = [Allow] } };
        var preDnat = new GlobalNetworkPolicy { Metadata = new() { Name = "g" }, Spec = new() { PreDnat = true, ApplyOnForward = true } };

        Assert.Equal([PolicyType.Egress], ResourceDefaults.Apply(explicitEgress).Spec.Types);
        Assert.Equal([PolicyType.Ingress], ResourceDefaults.Apply(preDnat).Spec.Types);
    }

    [Fact]
    public void Default_tier_gets_its_fixed_order_and_tiers_deny_by_default()
    {
        var defaultTier = ResourceDefaults.Apply(new Tier { Metadata = new() { Name = "default" } });
        var other = ResourceDefaults.Apply(new Tier { Metadata = new() { Name = "security" } });

        Assert.Equal(1_000_000, defaultTier.Spec.Order);
        Assert.Equal(TierDefaultAction.Deny, defaultTier.Spec.DefaultAction);
        Assert.Null(other.Spec.Order);
        Assert.Equal(TierDefaultAction.Deny, other.Spec.DefaultAction);
    }

    [Fact]
    public void Namespaced_resources_default_to_the_default_namespace_and_endpoints_get_calico_labels()
    {
        var endpoint = new WorkloadEndpoint
        {
            Metadata = new() { Name = "w", Labels = EquatableMap.Create(("app", "web")) },
            Spec = new() { Orchestrator = "k8s", ServiceAccountName = "sa" },
        };

        var defaulted = ResourceDefaults.Apply(endpoint);

        Assert.Equal("default", defaulted.Namespace);
        Assert.Equal(
            EquatableMap.Create(("app", "web"), ("projectcalico.org/namespace", "default"), ("projectcalico.org/orchestrator", "k8s"), ("projectcalico.org/serviceaccount", "sa")),
            defaulted.Metadata.Labels);
        Assert.Null(ResourceDefaults.Apply(Pool("10.0.0.0/16")).Namespace);
    }

    [Fact]
    public void Applied_v3_examples_show_defaults_in_yaml()
    {
        var pool = ResourceDefaults.Apply(Assert.Single(Examples.Read("seed-v3", "ippool-ipip.yaml").Documents).Resource);

        var yaml = ResourceCodec.WriteYaml(pool);

        Assert.Equal(
            """
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: default-pool
            spec:
              cidr: 172.16.0.0/16
              vxlanMode: Never
              ipipMode: Always
              natOutgoing: true
              disabled: false
              blockSize: 26
              nodeSelector: all()
              allowedUses:
              - Workload
              - Tunnel
              assignmentMode: Automatic

            """.ReplaceLineEndings("\n"),
            yaml);
    }
}
