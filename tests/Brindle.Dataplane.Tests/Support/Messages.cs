using System.Net;
using Brindle.Calculation.Messages;

namespace Brindle.Dataplane.Tests.Support;

/// <summary>Short constructors for dataplane messages in tests.</summary>
internal static class Messages
{
    public static WorkloadEndpointId Id(string name) => new("k8s", "default/" + name, "eth0");

    public static WorkloadEndpointUpdate Workload(string name, string interfaceName, string ipv4, string? ipv6 = null,
        TierInfo[]? tiers = null, string[]? profiles = null) =>
        new(Id(name), interfaceName, null,
            [IPNetwork.Parse(ipv4 + "/32")],
            ipv6 is null ? default : [IPNetwork.Parse(ipv6 + "/128")],
            tiers ?? [], profiles ?? []);

    public static TierInfo Tier(string name, string[]? ingress = null, string[]? egress = null, TierDefaultAction defaultAction = TierDefaultAction.Deny) =>
        new(name, ValueList.From((ingress ?? []).Select(p => new PolicyId(name, p))), ValueList.From((egress ?? []).Select(p => new PolicyId(name, p))), defaultAction);

    public static ActivePolicyUpdate ActivePolicy(string tier, string name, Rule[]? inbound = null, Rule[]? outbound = null) =>
        new(new PolicyId(tier, name), inbound ?? [], outbound ?? []);

    public static ActiveProfileUpdate Profile(string id, Rule[]? inbound = null, Rule[]? outbound = null) => new(id, inbound ?? [], outbound ?? []);

    public static Rule Allow => new(RuleAction.Allow);

    public static Rule Deny => new(RuleAction.Deny);

    public static Rule Pass => new(RuleAction.Pass);

    public static Rule Tcp(RuleAction action, params int[] ports) =>
        new(action) { Protocol = IPProtocols.Tcp, DstPorts = ValueList.From(ports.Select(PortRange.Single)) };

    public static Rule Udp(RuleAction action, params int[] ports) =>
        new(action) { Protocol = IPProtocols.Udp, DstPorts = ValueList.From(ports.Select(PortRange.Single)) };

    public static IPSetUpdate IPSet(string id, params string[] members) => new(id, IPSetType.Nets, ValueList.From(members.Select(IPSetMember.Of)));

    /// <summary>The kns.&lt;namespace&gt;-style profile: allow everything both ways.</summary>
    public static ActiveProfileUpdate AllowAllProfile(string id) => Profile(id, [Allow], [Allow]);
}
