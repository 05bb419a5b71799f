using System.Net;
using Brindle.Api;
using Brindle.Policy;
using ApiRule = Brindle.Api.Rule;
using ApiRuleAction = Brindle.Api.RuleAction;
using DataplaneRule = Brindle.Calculation.Messages.Rule;
using DataplaneRuleAction = Brindle.Calculation.Messages.RuleAction;
using PortRange = Brindle.Calculation.Messages.PortRange;
using Brindle.Calculation.Messages;

namespace Brindle.Calculation;

/// <summary>
/// The pure half of Calico's RuleScanner: turns API rules into dataplane rules whose selectors have become IP set ids,
/// with the namespace scoping of policy-semantics §11 folded into those sets.
/// </summary>
/// <remarks>
/// Scoping (<paramref name="policyNamespace"/> is the namespaced policy's namespace, null for global policies and profiles):
/// <list type="bullet">
/// <item>selector/notSelector without namespaceSelector in a namespaced policy: the positive set is
///   <c>(selector) &amp;&amp; projectcalico.org/namespace == 'ns'</c> (only the namespace when just notSelector is given);</item>
/// <item>namespaceSelector <c>all()</c>: any namespaced entity; <c>global()</c>: only non-namespaced ones; anything else is
///   rewritten onto the <c>pcns.</c> labels inherited from the namespace profile;</item>
/// <item>notSelector is never scoped (the positive set already limits the peer).</item>
/// </list>
/// Criteria the dataplane cannot enforce (<c>http</c>, <c>services</c>) make a rule unrenderable: an unrenderable Allow or
/// Log rule is left out (it can only narrow what is allowed), any other becomes a Deny with its enforceable criteria
/// (it can only widen what is denied). Never open. Invalid input (bad selector, unknown protocol) throws
/// <see cref="FormatException"/>; the caller treats the whole policy as invalid.
/// </remarks>
internal static class RuleCompiler
{
    private static readonly Selector Namespaced = Selector.Parse($"has({CalculationLabels.Namespace})");
    private static readonly Selector NotNamespaced = Selector.Parse($"!has({CalculationLabels.Namespace})");

    public static ValueList<DataplaneRule> CompileAll(EquatableArray<ApiRule> rules, string? policyNamespace, List<IPSetDefinition> sets)
    {
        var result = new List<DataplaneRule>(rules.Count);
        foreach (var rule in rules)
        {
            if (Compile(rule, policyNamespace, sets) is { } compiled) result.Add(compiled);
        }
        return new(result);
    }

    public static DataplaneRule? Compile(ApiRule rule, string? policyNamespace, List<IPSetDefinition> sets)
    {
        var protocol = ProtocolNumber(rule.Protocol);
        var unrenderable = rule.Http is not null || rule.Source.Services is not null || rule.Destination.Services is not null;
        var action = rule.Action switch
        {
            ApiRuleAction.Allow => DataplaneRuleAction.Allow,
            ApiRuleAction.Deny => DataplaneRuleAction.Deny,
            ApiRuleAction.Pass => DataplaneRuleAction.Pass,
            _ => DataplaneRuleAction.Log,
        };
        if (unrenderable)
        {
            if (action is DataplaneRuleAction.Allow or DataplaneRuleAction.Log) return null;
            action = DataplaneRuleAction.Deny;
        }
        var src = CompileSide(rule.Source, policyNamespace, protocol, sets);
        var dst = CompileSide(rule.Destination, policyNamespace, protocol, sets);
        return new DataplaneRule(action)
        {
            IPVersion = rule.IpVersion,
            Protocol = protocol,
            NotProtocol = ProtocolNumber(rule.NotProtocol),
            IcmpType = rule.Icmp?.Type,
            IcmpCode = rule.Icmp?.Code,
            NotIcmpType = rule.NotIcmp?.Type,
            NotIcmpCode = rule.NotIcmp?.Code,
            SrcNets = src.Nets,
            NotSrcNets = src.NotNets,
            SrcIPSetIds = src.IPSetIds,
            NotSrcIPSetIds = src.NotIPSetIds,
            SrcPorts = src.Ports,
            NotSrcPorts = src.NotPorts,
            SrcNamedPortIPSetIds = src.NamedPortSetIds,
            NotSrcNamedPortIPSetIds = src.NotNamedPortSetIds,
            DstNets = dst.Nets,
            NotDstNets = dst.NotNets,
            DstIPSetIds = dst.IPSetIds,
            NotDstIPSetIds = dst.NotIPSetIds,
            DstPorts = dst.Ports,
            NotDstPorts = dst.NotPorts,
            DstNamedPortIPSetIds = dst.NamedPortSetIds,
            NotDstNamedPortIPSetIds = dst.NotNamedPortSetIds,
        };
    }

    /// <summary>The set of entities a namespaceSelector admits, as a selector over endpoint labels.</summary>
    public static Selector NamespaceScope(Selector namespaceSelector)
    {
        if (namespaceSelector.IsGlobal) return NotNamespaced;
        if (namespaceSelector.IsAll) return Namespaced;
        return SelectorComposition.And(Namespaced, SelectorComposition.WithKeyPrefix(namespaceSelector, CalculationLabels.NamespaceLabelPrefix));
    }

    /// <summary><c>projectcalico.org/namespace == 'ns'</c>.</summary>
    public static Selector InNamespace(string ns) => Selector.Parse($"{CalculationLabels.Namespace} == \"{ns}\"");

    private static Side CompileSide(EntityRule side, string? policyNamespace, int? protocol, List<IPSetDefinition> sets)
    {
        var hasSelector = !string.IsNullOrWhiteSpace(side.Selector);
        var hasNotSelector = !string.IsNullOrWhiteSpace(side.NotSelector);
        var accounts = side.ServiceAccounts;
        var hasAccounts = accounts is not null && (!accounts.Names.IsEmpty || !string.IsNullOrWhiteSpace(accounts.Selector));

        var parts = new List<Selector>();
        if (hasSelector) parts.Add(Selector.Parse(side.Selector!));
        if (!string.IsNullOrWhiteSpace(side.NamespaceSelector)) parts.Add(NamespaceScope(Selector.Parse(side.NamespaceSelector)));
        else if (policyNamespace is not null && (hasSelector || hasNotSelector || hasAccounts)) parts.Add(InNamespace(policyNamespace));
        if (hasAccounts)
        {
            if (!accounts!.Names.IsEmpty)
            {
                parts.Add(Selector.Parse($"{CalculationLabels.ServiceAccount} in {{{string.Join(", ", accounts.Names.Select(n => $"\"{n}\""))}}}"));
            }
            if (!string.IsNullOrWhiteSpace(accounts.Selector))
            {
                parts.Add(SelectorComposition.WithKeyPrefix(Selector.Parse(accounts.Selector), CalculationLabels.ServiceAccountLabelPrefix));
            }
        }
        var positive = parts.Count > 0 ? SelectorComposition.And([.. parts]) : null;

        var ipSetIds = new List<string>();
        var notIPSetIds = new List<string>();
        if (positive is not null) ipSetIds.Add(Use(sets, IPSetDefinition.ForSelector(positive)));
        if (hasNotSelector) notIPSetIds.Add(Use(sets, IPSetDefinition.ForSelector(Selector.Parse(side.NotSelector!))));

        var (ports, namedPorts) = Ports(side.Ports, positive, protocol, sets);
        var (notPorts, notNamedPorts) = Ports(side.NotPorts, positive, protocol, sets);
        return new Side(
            Nets(side.Nets), Nets(side.NotNets), new(ipSetIds), new(notIPSetIds), ports, notPorts, namedPorts, notNamedPorts);
    }

    private static (ValueList<PortRange> Ports, ValueList<string> NamedPortSetIds) Ports(
        EquatableArray<Port> ports, Selector? positive, int? protocol, List<IPSetDefinition> sets)
    {
        var ranges = new List<PortRange>();
        var named = new List<string>();
        foreach (var port in ports)
        {
            if (port.IsNamed) named.Add(Use(sets, IPSetDefinition.ForNamedPort(positive ?? Selector.All, port.Name!, protocol)));
            else ranges.Add(new PortRange(checked((int)port.MinPort), checked((int)port.MaxPort)));
        }
        return (new(ranges), new(named));
    }

    private static ValueList<IPNetwork> Nets(EquatableArray<Cidr> cidrs) => new(cidrs.Select(c => c.Network));

    private static string Use(List<IPSetDefinition> sets, IPSetDefinition definition)
    {
        if (!sets.Exists(s => s.Id == definition.Id)) sets.Add(definition);
        return definition.Id;
    }

    private static int? ProtocolNumber(Protocol? protocol) => protocol switch
    {
        null => null,
        { NumberValue: { } number } => checked((int)number),
        _ => throw new FormatException($"unknown protocol '{protocol}'"),
    };

    private sealed record Side(
        ValueList<IPNetwork> Nets,
        ValueList<IPNetwork> NotNets,
        ValueList<string> IPSetIds,
        ValueList<string> NotIPSetIds,
        ValueList<PortRange> Ports,
        ValueList<PortRange> NotPorts,
        ValueList<string> NamedPortSetIds,
        ValueList<string> NotNamedPortSetIds);
}
