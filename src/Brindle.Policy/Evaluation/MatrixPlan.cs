using System.Net.Sockets;

namespace Brindle.Policy;

/// <summary>
/// The all-pairs fast path behind <see cref="ReachabilityMatrix"/> for one protocol and destination port: every rule
/// side is evaluated once per peer into a bitset (nets, notNets, selector, notSelector, ports), every distinct selector
/// once per peer, and each endpoint's ordered tiers, policies and profiles once per direction; a pair is then a walk of
/// bit tests with exactly <see cref="PolicyEvaluator"/>'s tier, Pass, Log and profile semantics (property-tested
/// against per-pair <see cref="PolicyEvaluator.Evaluate"/>).
/// </summary>
/// <remarks>Only the verdict is computed (no explanation); traces stay on the single-probe path.</remarks>
internal sealed class MatrixPlan
{
    private readonly PolicyEvaluator _evaluator;
    private readonly PolicyPeer[] _peers;
    private readonly int[] _slots;
    private readonly int _protocol;
    private readonly int _port;
    private readonly PolicyConnection?[] _headers = new PolicyConnection?[2];
    private readonly Dictionary<Selector, ulong[]> _selectorBits = [];
    private readonly Dictionary<CompiledRules, RulePlan[]> _ruleLists = new(ReferenceEqualityComparer.Instance);
    private readonly DirectionPlan[] _egress;
    private readonly DirectionPlan[] _ingress;
    private readonly bool[] _isV6;

    public MatrixPlan(PolicyEvaluator evaluator, IReadOnlyList<PolicyModel.Entity> endpoints, PolicyPeer[] peers, int protocol, int port)
    {
        _evaluator = evaluator;
        _peers = peers;
        _protocol = protocol;
        _port = port;
        _slots = [.. peers.Select(p => evaluator.SlotOf(p.Address))];
        _isV6 = [.. peers.Select(p => p.Address.AddressFamily == AddressFamily.InterNetworkV6)];
        for (var i = 0; i < peers.Length; i++)
        {
            var family = _isV6[i] ? 1 : 0;
            _headers[family] ??= new PolicyConnection(peers[i], peers[i], protocol, port);
        }
        _egress = [.. endpoints.Select(e => Plan(e, PolicyDirection.Egress))];
        _ingress = [.. endpoints.Select(e => Plan(e, PolicyDirection.Ingress))];
    }

    /// <summary>The source's egress and the destination's ingress both allow.</summary>
    public bool Allowed(int source, int destination)
    {
        var v6 = _isV6[source];
        return Decide(_egress[source], v6, source, destination) && Decide(_ingress[destination], v6, source, destination);
    }

    private static bool Decide(DirectionPlan plan, bool v6, int source, int destination)
    {
        foreach (var tier in plan.Tiers)
        {
            var passed = false;
            foreach (var rules in tier.Policies)
            {
                var action = FirstDeciding(rules, v6, source, destination);
                if (action == PolicyModel.Action.Allow) return true;
                if (action == PolicyModel.Action.Deny) return false;
                if (action == PolicyModel.Action.Pass)
                {
                    passed = true;
                    break;
                }
            }
            if (!passed && !tier.DefaultPass) return false;
        }
        foreach (var rules in plan.Profiles)
        {
            // A missing profile drops everything (null rule list).
            if (rules is null) return false;
            var action = FirstDeciding(rules, v6, source, destination);
            if (action == PolicyModel.Action.Allow) return true;
            if (action == PolicyModel.Action.Deny) return false;
        }
        return false;
    }

    private static PolicyModel.Action? FirstDeciding(RulePlan[] rules, bool v6, int source, int destination)
    {
        foreach (var rule in rules)
        {
            if (!(v6 ? rule.HeaderV6 : rule.HeaderV4)) continue;
            if (rule.Source is { } s && (s[source >> 6] & (1UL << source)) == 0) continue;
            if (rule.Destination is { } d && (d[destination >> 6] & (1UL << destination)) == 0) continue;
            if (rule.Action == PolicyModel.Action.Log) continue;
            return rule.Action;
        }
        return null;
    }

    private DirectionPlan Plan(PolicyModel.Entity endpoint, PolicyDirection direction)
    {
        var tiers = _evaluator.Applicable(_evaluator.IndexOf(endpoint), direction)
            .Select(t => new TierPlan(t.Tier.DefaultPass, [.. t.Policies.Select(p => Rules(direction == PolicyDirection.Ingress ? p.Ingress : p.Egress))]))
            .ToArray();
        var profiles = endpoint.Profiles
            .Select(name => _evaluator.TryGetProfileRules(name, direction, out var rules) ? Rules(rules!) : null)
            .ToArray();
        return new DirectionPlan(tiers, profiles);
    }

    private RulePlan[] Rules(CompiledRules rules)
    {
        if (_ruleLists.TryGetValue(rules, out var cached)) return cached;
        var plans = new RulePlan[rules.Rules.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var rule = rules.Rules[i];
            plans[i] = new RulePlan(
                rule.Action,
                _headers[0] is { } v4 && PolicyEvaluator.WhyNotHeader(rule, v4, explain: false) is null,
                _headers[1] is { } v6 && PolicyEvaluator.WhyNotHeader(rule, v6, explain: false) is null,
                SideBits(rules.Sources[i], port: null),
                SideBits(rules.Destinations[i], _port));
        }
        return _ruleLists[rules] = plans;
    }

    /// <summary>Which peers satisfy one rule side; null when the side has no criteria (every peer does).</summary>
    private ulong[]? SideBits(CompiledEntityRule side, int? port)
    {
        var rule = side.Rule;
        if (side.Positive is null && side.Negative is null && rule.Nets is not { Count: > 0 } && rule.NotNets is not { Count: > 0 }
            && rule.Ports is not { Count: > 0 } && rule.NotPorts is not { Count: > 0 })
        {
            return null;
        }
        var positive = side.Positive is { } p ? SelectorBits(p) : null;
        var negative = side.Negative is { } n ? SelectorBits(n) : null;
        var bits = new ulong[(_peers.Length + 63) >> 6];
        for (var i = 0; i < _peers.Length; i++)
        {
            if (PolicyEvaluator.SideMatches(side, _peers[i], port, _protocol, positive is not null && IsSet(positive, i), negative is not null && IsSet(negative, i)))
            {
                bits[i >> 6] |= 1UL << i;
            }
        }
        return bits;
    }

    /// <summary>Which peers' addresses belong to an entity matching the selector; each distinct selector once.</summary>
    private ulong[] SelectorBits(Selector selector)
    {
        if (_selectorBits.TryGetValue(selector, out var cached)) return cached;
        var bits = new ulong[(_peers.Length + 63) >> 6];
        for (var i = 0; i < _peers.Length; i++)
        {
            if (_evaluator.SlotMatches(_slots[i], selector)) bits[i >> 6] |= 1UL << i;
        }
        return _selectorBits[selector] = bits;
    }

    private static bool IsSet(ulong[] bits, int i) => (bits[i >> 6] & (1UL << i)) != 0;

    private sealed record DirectionPlan(TierPlan[] Tiers, RulePlan[]?[] Profiles);

    private sealed record TierPlan(bool DefaultPass, RulePlan[][] Policies);

    private sealed record RulePlan(PolicyModel.Action Action, bool HeaderV4, bool HeaderV6, ulong[]? Source, ulong[]? Destination);
}
