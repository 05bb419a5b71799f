using CsCheck;

namespace Brindle.Api.Tests;

/// <summary>Random policies survive YAML and storage JSON round trips unchanged.</summary>
public sealed class RoundTripProperties
{
    private static readonly Gen<string> Text = Gen.OneOf("a", "web", "true", "1", "", "!has(x)", "a: b", "x == 'y'", "null", "- item", "#c", "1.5", "k8s.io/x");

    private static readonly Gen<Port> PortGen = Gen.OneOf(
        Gen.Int[1, 65535].Select(p => Port.Number(p)),
        Gen.Select(Gen.Int[1, 1000], Gen.Int[0, 1000], (a, b) => Port.Range(a, a + b)),
        Gen.OneOf("http", "dns-tcp").Select(Port.Named));

    private static readonly Gen<Cidr> CidrGen = Gen.OneOf(
        Gen.Byte.Select(a => Cidr.Parse($"10.{a}.0.0/16")),
        Gen.OneOf("fd00::/8", "2001:db8::1/128", "0.0.0.0/0").Select(Cidr.Parse));

    private static readonly Gen<EntityRule> EntityGen = Gen.Select(
        CidrGen.Array[0, 2], Text.Null(), PortGen.Array[0, 3], Text.Null(),
        (nets, selector, ports, ns) => new EntityRule { Nets = nets, Selector = selector, Ports = ports, NamespaceSelector = ns });

    private static readonly Gen<Rule> RuleGen = Gen.Select(
        Gen.Enum<RuleAction>(), Gen.OneOf<Protocol?>(Protocol.Tcp, Protocol.Udp, Protocol.FromNumber(47), null), EntityGen, EntityGen, Gen.Int[0, 254].Nullable(),
        (action, protocol, source, destination, icmpType) => new Rule
        {
            Action = action,
            Protocol = protocol,
            Source = source,
            Destination = destination,
            Icmp = icmpType is null ? null : new IcmpFields { Type = icmpType, Code = 0 },
        });

    internal static readonly Gen<NetworkPolicy> PolicyGen = Gen.Select(
        RuleGen.Array[0, 3], RuleGen.Array[0, 2], Gen.Double[0, 10000].Nullable(), Text.Null(), Gen.Dictionary(Gen.OneOf("app", "k8s.io/role", "x"), Text)[0, 3],
        (ingress, egress, order, selector, labels) => new NetworkPolicy
        {
            Metadata = new() { Name = "p", Namespace = "ns", Labels = labels.ToEquatableMap() },
            Spec = new() { Ingress = ingress, Egress = egress, Order = order, Selector = selector, Types = [PolicyType.Ingress] },
        });

    [Fact]
    public void Yaml_and_json_round_trips_preserve_policies()
    {
        PolicyGen.Sample(policy =>
        {
            var yaml = ResourceCodec.WriteYaml(policy);
            var read = ResourceCodec.Read(yaml, "p.yaml");
            Assert.Empty(read.Errors);
            Assert.Equal(policy, Assert.Single(read.Documents).Resource);
            Assert.Equal(policy, ResourceCodec.FromJson(ResourceCodec.ToJson(policy)));
            Assert.Equal(policy, Assert.Single(ResourceCodec.Read(ResourceCodec.WriteJson(policy), "p.json").Documents).Resource);
        }, iter: 300);
    }
}
