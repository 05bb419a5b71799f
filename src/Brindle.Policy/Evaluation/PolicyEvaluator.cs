using System.Net;

namespace Brindle.Policy;

/// <summary>
/// Judges connections exactly as Calico's dataplane would (docs/design/policy.md, "Evaluation"): the source
/// endpoint's egress and the destination endpoint's ingress, each walking tiers in order, policies in order, rules
/// in order, then profiles.
/// </summary>
/// <remarks>
/// Inputs: a <see cref="PolicyModel"/>, fixed for the evaluator's life. Outputs: <see cref="ConnectionVerdict"/>s.
/// Rule selectors match by address, as Calico's IP sets do: a peer matches a selector if any endpoint or network set
/// whose addresses contain the peer's address has matching labels.
/// Effective entity labels: own labels, <c>projectcalico.org/namespace</c>, then profiles' labelsToApply, then the
/// namespace's labels prefixed <c>pcns.</c> (how Calico delivers them), earlier sources winning.
/// Pure and deterministic; per-endpoint policy lists are cached, so one instance is not thread-safe.
/// </remarks>
public sealed class PolicyEvaluator
{
    private const string Mismatch = "no match";

    private readonly PolicyModel.Entity[] _entities;
    private readonly Dictionary<string, string>[] _labels;
    private readonly Dictionary<PolicyModel.Entity, int> _indexOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<IPAddress, List<int>> _byAddress = [];
    private readonly List<(IPNetwork Net, int Entity)> _wideNets = [];
    private readonly Dictionary<IPAddress, int> _slots = [];
    private readonly List<int[]> _slotEntities = [];
    private readonly Dictionary<string, PolicyModel.Entity> _endpointsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (PolicyModel.Profile Profile, CompiledRules Ingress, CompiledRules Egress)> _profiles = new(StringComparer.Ordinal);
    private readonly (PolicyModel.Tier Tier, CompiledPolicy[] Policies)[] _tiers;
    private readonly Dictionary<(int, PolicyDirection), (PolicyModel.Tier Tier, CompiledPolicy[] Policies)[]> _applicable = [];

    public PolicyEvaluator(PolicyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _entities = [.. model.Entities];
        var namespaces = model.Namespaces.ToDictionary(n => n.Name, n => n.Labels, StringComparer.Ordinal);
        foreach (var profile in model.Profiles) _profiles[profile.Name] = (profile, new CompiledRules(profile.Ingress, null), new CompiledRules(profile.Egress, null));
        _labels = new Dictionary<string, string>[_entities.Length];
        for (var i = 0; i < _entities.Length; i++)
        {
            var entity = _entities[i];
            _indexOf[entity] = i;
            _labels[i] = EffectiveLabels(entity, namespaces);
            if (entity.IsEndpoint) _endpointsById[entity.Id] = entity;
            foreach (var net in entity.Nets)
            {
                if (net.PrefixLength == (net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
                {
                    if (!_byAddress.TryGetValue(net.BaseAddress, out var list)) _byAddress[net.BaseAddress] = list = [];
                    list.Add(i);
                }
                else
                {
                    _wideNets.Add((net, i));
                }
            }
        }
        foreach (var endpoint in _entities.Where(e => e.IsEndpoint))
        {
            foreach (var net in endpoint.Nets) Slot(net.BaseAddress);
        }
        var tiers = model.Tiers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        tiers.TryAdd(PolicyModel.DefaultTierName, new PolicyModel.Tier(PolicyModel.DefaultTierName, PolicyModel.DefaultTierOrder, DefaultPass: false));
        foreach (var policy in model.Policies) tiers.TryAdd(policy.Tier, new PolicyModel.Tier(policy.Tier, null, DefaultPass: false));
        _tiers = [.. tiers.Values
            .OrderBy(t => t.Order ?? double.PositiveInfinity).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (t, model.Policies.Where(p => p.Tier == t.Name)
                .OrderBy(p => p.Order ?? double.PositiveInfinity)
                .ThenBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.Namespace ?? "", StringComparer.Ordinal)
                .Select(p => new CompiledPolicy(p)).ToArray()))];
    }

    public PolicyModel Model { get; }

    /// <summary>Workload and host endpoints, in model order.</summary>
    public IEnumerable<PolicyModel.Entity> Endpoints => _entities.Where(e => e.IsEndpoint);

    /// <summary>The labels selectors see for an entity of the model.</summary>
    public IReadOnlyDictionary<string, string> LabelsOf(PolicyModel.Entity entity) => _labels[_indexOf[entity]];

    /// <summary>Resolves <c>namespace/name</c> (workload endpoint), <c>name</c> (host endpoint) or an IP address (an external peer if no endpoint has it).</summary>
    public bool TryResolvePeer(string text, out PolicyPeer? peer, out string? error)
    {
        peer = null;
        error = null;
        if (IPAddress.TryParse(text, out var address))
        {
            peer = new PolicyPeer(address, EndpointAt(address));
            return true;
        }
        if (!_endpointsById.TryGetValue(text, out var endpoint))
        {
            error = $"'{text}' is neither an IP address nor a known endpoint (namespace/name for workload endpoints, name for host endpoints)";
            return false;
        }
        var first = endpoint.Nets.OrderBy(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
        if (first == default)
        {
            error = $"endpoint '{text}' has no IP address";
            return false;
        }
        peer = new PolicyPeer(first.BaseAddress, endpoint);
        return true;
    }

    public PolicyPeer PeerOf(PolicyModel.Entity endpoint) =>
        new(endpoint.Nets.OrderBy(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).First().BaseAddress, endpoint);

    /// <summary>The endpoint that owns an address, if any.</summary>
    public PolicyModel.Entity? EndpointAt(IPAddress address)
    {
        foreach (var i in Containing(address))
        {
            if (_entities[i].IsEndpoint) return _entities[i];
        }
        return null;
    }

    /// <summary>Evaluates both sides; with <paramref name="trace"/>, each side's verdict carries its steps in plain words.</summary>
    public ConnectionVerdict Evaluate(PolicyConnection connection, bool trace = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var slots = (Slot(connection.Source.Address), Slot(connection.Destination.Address));
        var egress = connection.Source.Endpoint is { } src
            ? Judge(_indexOf[src], PolicyDirection.Egress, connection, slots, trace)
            : External(PolicyDirection.Egress, connection.Source, trace);
        var ingress = connection.Destination.Endpoint is { } dst
            ? Judge(_indexOf[dst], PolicyDirection.Ingress, connection, slots, trace)
            : External(PolicyDirection.Ingress, connection.Destination, trace);
        return new ConnectionVerdict(connection, egress, ingress);
    }

    private static DirectionVerdict External(PolicyDirection direction, PolicyPeer peer, bool trace) =>
        new(direction, true, DecisionKind.External,
            Trace: trace ? [$"{peer.Address} is not a Calico endpoint: no {direction.ToString().ToLowerInvariant()} policy is evaluated for it."] : null);

    private DirectionVerdict Judge(int endpoint, PolicyDirection direction, PolicyConnection connection, (int Source, int Destination) slots, bool trace)
    {
        var steps = trace ? new List<string>() : null;
        var entity = _entities[endpoint];
        var tiers = Applicable(endpoint, direction);
        string? passedTier = null;
        if (tiers.Length == 0) steps?.Add($"No policy applies to {entity.Id} for {Lower(direction)}; its profiles decide.");
        foreach (var (tier, policies) in tiers)
        {
            steps?.Add($"Tier '{tier.Name}': {policies.Length} {(policies.Length == 1 ? "policy applies" : "policies apply")} to {entity.Id} for {Lower(direction)}.");
            var passed = false;
            foreach (var policy in policies)
            {
                var rules = direction == PolicyDirection.Ingress ? policy.Ingress : policy.Egress;
                var (index, action) = FirstDecidingRule(rules, connection, slots, steps, $"policy '{policy.Policy.Id}'");
                if (action is PolicyModel.Action.Allow or PolicyModel.Action.Deny)
                {
                    var allowed = action == PolicyModel.Action.Allow;
                    steps?.Add($"  => {action}: rule {index} of policy '{policy.Policy.Id}' decides; later policies, tiers and profiles are not consulted.");
                    return new(direction, allowed, DecisionKind.PolicyRule, tier.Name, policy.Policy.Id, index, Trace: steps);
                }
                if (action == PolicyModel.Action.Pass)
                {
                    steps?.Add($"  => Pass: rule {index} of policy '{policy.Policy.Id}' skips the rest of tier '{tier.Name}'.");
                    passed = true;
                    break;
                }
            }
            if (!passed && !tier.DefaultPass)
            {
                steps?.Add($"  => Deny: no rule in tier '{tier.Name}' matched, and its default action is Deny (end-of-tier drop).");
                return new(direction, false, DecisionKind.EndOfTier, tier.Name, Trace: steps);
            }
            if (!passed) steps?.Add($"  No rule in tier '{tier.Name}' matched; its default action is Pass.");
            passedTier = tier.Name;
        }
        if (passedTier is not null) steps?.Add($"Tier '{passedTier}' passed; the profiles of {entity.Id} decide.");
        foreach (var profileName in entity.Profiles)
        {
            if (!_profiles.TryGetValue(profileName, out var profile))
            {
                steps?.Add($"Profile '{profileName}' does not exist: Calico drops all traffic for an endpoint with a missing profile.");
                return new(direction, false, DecisionKind.ProfileMissing, passedTier, Profile: profileName, Trace: steps);
            }
            var rules = direction == PolicyDirection.Ingress ? profile.Ingress : profile.Egress;
            var (index, action) = FirstDecidingRule(rules, connection, slots, steps, $"profile '{profileName}'");
            if (action is PolicyModel.Action.Allow or PolicyModel.Action.Deny)
            {
                steps?.Add($"  => {action}: rule {index} of profile '{profileName}' decides.");
                return new(direction, action == PolicyModel.Action.Allow, DecisionKind.ProfileRule, passedTier, Profile: profileName, RuleIndex: index, Trace: steps);
            }
        }
        steps?.Add(entity.Profiles.Count == 0
            ? $"  => Deny: {entity.Id} has no profiles, so nothing allows the connection (default deny)."
            : "  => Deny: no profile rule matched (default deny).");
        return new(direction, false, DecisionKind.DefaultDeny, passedTier, Trace: steps);
    }

    /// <summary>Walks one rule list; returns the first Allow/Deny/Pass rule that matches (Log rules match and continue).</summary>
    private (int Index, PolicyModel.Action? Action) FirstDecidingRule(CompiledRules rules, PolicyConnection connection, (int Source, int Destination) slots, List<string>? steps, string owner)
    {
        steps?.Add($"  {Capitalise(owner)}: {rules.Rules.Count} rule(s).");
        for (var i = 0; i < rules.Rules.Count; i++)
        {
            var rule = rules.Rules[i];
            var why = WhyNot(rule, rules.Sources[i], rules.Destinations[i], connection, slots, steps is not null);
            if (why is not null)
            {
                steps?.Add($"    rule {i} ({rule.Action}) does not match: {why}.");
                continue;
            }
            if (rule.Action == PolicyModel.Action.Log)
            {
                steps?.Add($"    rule {i} (Log) matches: logged, evaluation continues.");
                continue;
            }
            steps?.Add($"    rule {i} ({rule.Action}) matches.");
            return (i, rule.Action);
        }
        if (rules.Rules.Count > 0) steps?.Add($"    no rule of {owner} matches.");
        return (-1, null);
    }

    /// <summary>Null if the rule matches; otherwise why not (a fixed string unless <paramref name="explain"/>).</summary>
    private string? WhyNot(PolicyModel.Rule rule, CompiledEntityRule source, CompiledEntityRule destination, PolicyConnection c, (int Source, int Destination) slots, bool explain)
    {
        return WhyNotHeader(rule, c, explain)
            ?? WhyNot(source, c.Source, slots.Source, c.SourcePort, c.Protocol, "source", explain)
            ?? WhyNot(destination, c.Destination, slots.Destination, c.DestinationPort, c.Protocol, "destination", explain);
    }

    /// <summary>The rule's criteria that depend on the connection only (not on either peer): null if they hold.</summary>
    internal static string? WhyNotHeader(PolicyModel.Rule rule, PolicyConnection c, bool explain)
    {
        if (rule.Unsupported is { } unsupported) return explain ? $"not evaluated: {unsupported}" : Mismatch;
        if (rule.IpVersion is { } v && v != c.IpVersion) return explain ? $"the connection is IPv{c.IpVersion}, the rule is for IPv{v}" : Mismatch;
        if (rule.Protocol is { } p && p != c.Protocol) return explain ? $"protocol {ProtocolNames.Format(c.Protocol)} is not {ProtocolNames.Format(p)}" : Mismatch;
        if (rule.NotProtocol is { } np && np == c.Protocol) return explain ? $"protocol {ProtocolNames.Format(c.Protocol)} is excluded by notProtocol" : Mismatch;
        if (rule.Icmp is { } icmp && !IcmpMatches(icmp, c)) return explain ? $"ICMP {IcmpText(c)} does not match icmp {IcmpText(icmp)}" : Mismatch;
        if (rule.NotIcmp is { } notIcmp && IcmpMatches(notIcmp, c)) return explain ? $"ICMP {IcmpText(c)} is excluded by notICMP {IcmpText(notIcmp)}" : Mismatch;
        return null;
    }

    /// <summary>
    /// True if one rule side matches a peer, without memoising: nets, notNets, selector, notSelector, ports, notPorts,
    /// exactly as the traced path checks them (used by <see cref="ReachabilityMatrix"/>'s precomputed bitsets).
    /// </summary>
    /// <param name="positiveHit">Whether the peer matches <see cref="CompiledEntityRule.Positive"/> (ignored when it is null).</param>
    /// <param name="negativeHit">Whether the peer matches <see cref="CompiledEntityRule.Negative"/> (ignored when it is null).</param>
    internal static bool SideMatches(CompiledEntityRule side, PolicyPeer peer, int? port, int protocol, bool positiveHit, bool negativeHit)
    {
        var rule = side.Rule;
        if (rule.Nets is { Count: > 0 } nets && !AnyContains(nets, peer.Address)) return false;
        if (rule.NotNets is { Count: > 0 } notNets && AnyContains(notNets, peer.Address)) return false;
        if (side.Positive is not null && !positiveHit) return false;
        if (side.Negative is not null && negativeHit) return false;
        if (rule.Ports is { Count: > 0 } ports && !AnyPortMatches(ports, peer, port, protocol)) return false;
        return rule.NotPorts is not { Count: > 0 } notPorts || !AnyPortMatches(notPorts, peer, port, protocol);
    }

    /// <summary>True if any entity owning the address of <paramref name="slot"/> has labels matching <paramref name="selector"/>.</summary>
    internal bool SlotMatches(int slot, Selector selector)
    {
        foreach (var i in _slotEntities[slot])
        {
            if (selector.Matches(_labels[i])) return true;
        }
        return false;
    }

    internal int SlotOf(IPAddress address) => Slot(address);

    internal int IndexOf(PolicyModel.Entity entity) => _indexOf[entity];

    internal bool TryGetProfileRules(string name, PolicyDirection direction, out CompiledRules? rules)
    {
        rules = _profiles.TryGetValue(name, out var profile) ? direction == PolicyDirection.Ingress ? profile.Ingress : profile.Egress : null;
        return rules is not null;
    }

    private string? WhyNot(CompiledEntityRule side, PolicyPeer peer, int slot, int? port, int protocol, string name, bool explain)
    {
        var rule = side.Rule;
        if (rule.Nets is { Count: > 0 } nets && !AnyContains(nets, peer.Address))
        {
            return explain ? $"{name} {peer.Address} is not in nets [{string.Join(", ", nets)}]" : Mismatch;
        }
        if (rule.NotNets is { Count: > 0 } notNets && notNets.FirstOrDefault(n => n.Contains(peer.Address)) is var hit && hit != default)
        {
            return explain ? $"{name} {peer.Address} is in notNets ({hit})" : Mismatch;
        }
        if (side.Positive is { } positive && !AnyEntityMatches(slot, positive, ref side.PositiveMemo))
        {
            return explain ? $"{name} {peer} is not an endpoint or network set matching {positive}" : Mismatch;
        }
        if (side.Negative is { } negative && AnyEntityMatches(slot, negative, ref side.NegativeMemo))
        {
            return explain ? $"{name} {peer} matches notSelector {negative}" : Mismatch;
        }
        if (rule.Ports is { Count: > 0 } ports && !AnyPortMatches(ports, peer, port, protocol))
        {
            return explain ? $"{name} port {PortText(port)} is not in ports [{string.Join(", ", ports)}]" : Mismatch;
        }
        if (rule.NotPorts is { Count: > 0 } notPorts && AnyPortMatches(notPorts, peer, port, protocol))
        {
            return explain ? $"{name} port {PortText(port)} is in notPorts [{string.Join(", ", notPorts)}]" : Mismatch;
        }
        return null;
    }

    private static bool AnyContains(IReadOnlyList<IPNetwork> nets, IPAddress address)
    {
        for (var i = 0; i < nets.Count; i++)
        {
            if (nets[i].Contains(address)) return true;
        }
        return false;
    }

    private static bool AnyPortMatches(IReadOnlyList<PolicyModel.PortMatch> ports, PolicyPeer peer, int? port, int protocol)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            if (PortMatches(ports[i], peer, port, protocol)) return true;
        }
        return false;
    }

    private static bool PortMatches(PolicyModel.PortMatch match, PolicyPeer peer, int? port, int protocol)
    {
        if (port is not { } p) return false;
        if (match.Name is null) return p >= match.Min && p <= match.Max;
        // A named port matches the peer endpoint's port of that name and protocol (Calico's named-port IP sets).
        return peer.Endpoint?.Ports.Any(np => np.Name == match.Name && np.Protocol == protocol && np.Port == p) == true;
    }

    private static bool IcmpMatches(PolicyModel.IcmpMatch match, PolicyConnection c) =>
        c.Protocol is 1 or 58
        && (match.Type is null || match.Type == c.IcmpType)
        && (match.Code is null || match.Code == c.IcmpCode);

    private bool AnyEntityMatches(int slot, Selector selector, ref byte[] memo)
    {
        // Grow geometrically: slots are added as new addresses are seen.
        if (memo.Length <= slot) Array.Resize(ref memo, Math.Max(slot + 1, Math.Max(_slotEntities.Count, memo.Length * 2)));
        if (memo[slot] != 0) return memo[slot] == 1;
        var matches = false;
        foreach (var i in _slotEntities[slot])
        {
            if (selector.Matches(_labels[i]))
            {
                matches = true;
                break;
            }
        }
        memo[slot] = matches ? (byte)1 : (byte)2;
        return matches;
    }

    private int[] Containing(IPAddress address) => _slotEntities[Slot(address)];

    /// <summary>A small number per distinct address seen, so selector results can be memoised per rule side.</summary>
    private int Slot(IPAddress address)
    {
        if (_slots.TryGetValue(address, out var slot)) return slot;
        var result = new List<int>();
        if (_byAddress.TryGetValue(address, out var exact)) result.AddRange(exact);
        foreach (var (net, i) in _wideNets)
        {
            if (net.Contains(address)) result.Add(i);
        }
        _slotEntities.Add([.. result]);
        return _slots[address] = _slotEntities.Count - 1;
    }

    internal (PolicyModel.Tier Tier, CompiledPolicy[] Policies)[] Applicable(int endpoint, PolicyDirection direction)
    {
        if (_applicable.TryGetValue((endpoint, direction), out var cached)) return cached;
        var labels = _labels[endpoint];
        var result = new List<(PolicyModel.Tier, CompiledPolicy[])>();
        foreach (var (tier, policies) in _tiers)
        {
            var applying = policies.Where(p =>
                (direction == PolicyDirection.Ingress ? p.Policy.AppliesToIngress : p.Policy.AppliesToEgress) && p.AppliesTo.Matches(labels)).ToArray();
            if (applying.Length > 0) result.Add((tier, applying));
        }
        return _applicable[(endpoint, direction)] = [.. result];
    }

    private Dictionary<string, string> EffectiveLabels(PolicyModel.Entity entity, Dictionary<string, IReadOnlyDictionary<string, string>> namespaces)
    {
        var labels = new Dictionary<string, string>(entity.Labels, StringComparer.Ordinal);
        if (entity.Namespace is { } ns) labels[SelectorRewriter.NamespaceLabel] = ns;
        foreach (var profileName in entity.Profiles)
        {
            if (!_profiles.TryGetValue(profileName, out var profile)) continue;
            foreach (var (k, v) in profile.Profile.LabelsToApply) labels.TryAdd(k, v);
        }
        if (entity.Namespace is { } name)
        {
            foreach (var (k, v) in NamespaceLabels(name, namespaces)) labels.TryAdd(SelectorRewriter.NamespaceLabelPrefix + k, v);
        }
        return labels;
    }

    /// <summary>A namespace's labels, always including <c>projectcalico.org/name</c> and <c>kubernetes.io/metadata.name</c>.</summary>
    private static Dictionary<string, string> NamespaceLabels(string name, Dictionary<string, IReadOnlyDictionary<string, string>> namespaces)
    {
        var labels = namespaces.TryGetValue(name, out var own) ? new Dictionary<string, string>(own, StringComparer.Ordinal) : new(StringComparer.Ordinal);
        labels.TryAdd("projectcalico.org/name", name);
        labels.TryAdd("kubernetes.io/metadata.name", name);
        return labels;
    }

    private static string Lower(PolicyDirection d) => d == PolicyDirection.Ingress ? "ingress" : "egress";

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static string PortText(int? port) => port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";

    private static string IcmpText(PolicyConnection c) => c.IcmpType is { } t ? $"type {t}" + (c.IcmpCode is { } code ? $" code {code}" : "") : "(no type)";

    private static string IcmpText(PolicyModel.IcmpMatch m) => m.Type is { } t ? $"type {t}" + (m.Code is { } code ? $" code {code}" : "") : "(any)";
}
