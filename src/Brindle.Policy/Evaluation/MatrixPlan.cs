using System.Net.Sockets;

namespace Brindle.Policy;

/// <summary>
/// The all-pairs fast path behind <see cref="ReachabilityMatrix"/> for one protocol and destination port: every rule
/// side is evaluated once per peer into a bitset (nets, notNets, selector, notSelector, ports), every distinct selector
/// once per peer, and each endpoint's ordered tiers, policies and profiles once per direction; then each endpoint's
/// rule walk runs once per direction over all peers at once (64 peers per word), with exactly
/// <see cref="PolicyEvaluator"/>'s tier, Pass, Log and profile semantics (property-tested against per-pair
/// <see cref="PolicyEvaluator.Evaluate"/>). A pair is two bit tests.
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
    private readonly ulong[][] _egressAllowed;
    private readonly ulong[][] _ingressAllowed;
    private readonly bool[] _isV6;
    private readonly ulong[] _v4;
    private readonly ulong[] _v6;

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
        _v4 = new ulong[(peers.Length + 63) >> 6];
        _v6 = new ulong[_v4.Length];
        for (var i = 0; i < peers.Length; i++) (_isV6[i] ? _v6 : _v4)[i >> 6] |= 1UL << i;
        _egressAllowed = [.. endpoints.Select((e, i) => AllowedPeers(Plan(e, PolicyDirection.Egress), i, PolicyDirection.Egress))];
        _ingressAllowed = [.. endpoints.Select((e, i) => AllowedPeers(Plan(e, PolicyDirection.Ingress), i, PolicyDirection.Ingress))];
    }

    /// <summary>The source's egress and the destination's ingress both allow.</summary>
    public bool Allowed(int source, int destination) => IsSet(_egressAllowed[source], destination) && IsSet(_ingressAllowed[destination], source);

    /// <summary>
    /// For one endpoint and direction, every peer at once: which peers the endpoint's tiers and profiles allow (peers are
    /// sources for ingress, destinations for egress). Walks the same tiers, policies and rules as
    /// <see cref="PolicyEvaluator"/>'s Judge, with one bit per peer for "still undecided" and "still in this tier".
    /// </summary>
    private ulong[] AllowedPeers(DirectionPlan plan, int endpoint, PolicyDirection direction)
    {
        var words = (_peers.Length + 63) >> 6;
        var undecided = new ulong[words];
        Array.Fill(undecided, ulong.MaxValue);
        var allowed = new ulong[words];
        var live = new ulong[words];
        var match = new ulong[words];
        foreach (var tier in plan.Tiers)
        {
            undecided.CopyTo(live, 0);
            foreach (var rules in tier.Policies) Apply(rules, endpoint, direction, match, live, undecided, allowed);
            // Peers that nothing in the tier decided or passed meet its default action.
            if (!tier.DefaultPass)
            {
                for (var w = 0; w < words; w++) undecided[w] &= ~live[w];
            }
        }
        foreach (var rules in plan.Profiles)
        {
            // A missing profile drops everything still undecided (null rule list).
            if (rules is null) break;
            undecided.CopyTo(live, 0);
            Apply(rules, endpoint, direction, match, live, undecided, allowed);
        }
        return allowed;
    }

    /// <summary>One rule list over the live peers: the first Allow/Deny/Pass rule that matches a peer takes it out of <paramref name="live"/>.</summary>
    private void Apply(RulePlan[] rules, int endpoint, PolicyDirection direction, ulong[] match, ulong[] live, ulong[] undecided, ulong[] allowed)
    {
        foreach (var rule in rules)
        {
            if (rule.Action == PolicyModel.Action.Log || !Matching(rule, endpoint, direction, match)) continue;
            for (var w = 0; w < live.Length; w++)
            {
                var hit = match[w] & live[w];
                live[w] &= ~hit;
                // Pass: out of this tier (or profile) but still undecided.
                if (rule.Action == PolicyModel.Action.Pass) continue;
                undecided[w] &= ~hit;
                if (rule.Action == PolicyModel.Action.Allow) allowed[w] |= hit;
            }
        }
    }

    /// <summary>Fills <paramref name="into"/> with the peers a rule matches for this endpoint; false if it matches none.</summary>
    private bool Matching(RulePlan rule, int endpoint, PolicyDirection direction, ulong[] into)
    {
        ulong[]? varying;
        ulong[]? family = null;
        if (direction == PolicyDirection.Ingress)
        {
            // The endpoint is the destination; the peers are sources, whose address family is the connection's.
            if (rule.Destination is { } d && !IsSet(d, endpoint)) return false;
            if (!rule.HeaderV4 && !rule.HeaderV6) return false;
            family = rule.HeaderV4 && rule.HeaderV6 ? null : rule.HeaderV4 ? _v4 : _v6;
            varying = rule.Source;
        }
        else
        {
            if (!(_isV6[endpoint] ? rule.HeaderV6 : rule.HeaderV4)) return false;
            if (rule.Source is { } s && !IsSet(s, endpoint)) return false;
            varying = rule.Destination;
        }
        for (var w = 0; w < into.Length; w++) into[w] = (varying?[w] ?? ulong.MaxValue) & (family?[w] ?? ulong.MaxValue);
        return true;
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
