using System.Collections.Immutable;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;

namespace Brindle.Dataplane.Nftables;

/// <summary>
/// Renders the whole desired content of <c>table inet brindle</c> from a <see cref="DataplaneModel"/> (pure).
/// </summary>
/// <remarks>
/// Layout (see docs/design/dataplane.md):
/// <code>
///  forward hook, prio 0   forward-egress : ct est/rel accept; iifname vmap @wl-from-dispatch; iifname "cali*" drop
///  forward hook, prio 10  forward-ingress: ct est/rel accept; oifname vmap @wl-to-dispatch;   oifname "cali*" drop
///  input hook             input-host     : workload-to-host action; iifname vmap @hep-from-dispatch
///  output hook            output-host    : host-to-workload accept; oifname vmap @hep-to-dispatch
///  postrouting (nat)      postrouting-nat: masquerade from NAT-outgoing pools to outside all pools
///  wl-from-IF / wl-to-IF / hep-from-IF / hep-to-IF: per endpoint: tiers (jump pi-/po- policy chains), profiles (pri-/pro-), drop
/// </code>
/// Invariants: output depends only on the model. Every endpoint chain ends in a verdict (accept or drop), so the
/// dispatch uses <c>goto</c>. An endpoint that names a policy or profile that is missing or cannot be rendered gets
/// a chain that drops everything (fail closed), as Calico's DummyDropRules. An interface with a workload prefix but
/// no endpoint is dropped, so a workload is never forwarded before its chain exists.
/// </remarks>
public sealed class NftablesRenderer
{
    // Caches keyed by the identity of the inputs (messages and states are immutable and replaced on change), so
    // an apply after one changed policy re-renders and re-hashes only that policy's chains.
    private readonly Dictionary<string, (object Input, int Version, ConfigUpdate Config, NftChain? Chain)> _ruleChains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (object Input, int Version, ConfigUpdate Config, NftChain Chain, bool FailClosed)> _endpointChains = new(StringComparer.Ordinal);
    private HashSet<string> _failClosed = new(StringComparer.Ordinal);

    /// <summary>Endpoint chains of the last render that drop everything because a policy or profile they need is missing or cannot be rendered.</summary>
    public IReadOnlySet<string> FailClosedChains => _failClosed;
    private readonly Dictionary<string, (IPSetState Input, NftSet Set)> _sets = new(StringComparer.Ordinal);
    private readonly HashSet<IPSetState> _setInputs = new(ReferenceEqualityComparer.Instance);   // the states the last render formatted
    private HashSet<string> _usable = new(StringComparer.Ordinal);
    private int _usableVersion;

    private const string FilterForward = "type filter hook forward priority filter; policy accept;";
    private const string ForwardIngressDefinition = "type filter hook forward priority 10; policy accept;";
    private const string InputDefinition = "type filter hook input priority filter; policy accept;";

    // NDP and router solicitation from workloads to the host: needed for IPv6 to work at all (Calico allows these too).
    private const string Icmpv6Neighbour = "meta l4proto 58 icmpv6 type { 130, 131, 132, 133, 135, 136 } accept";

    /// <summary>Renders from scratch (no cache).</summary>
    public static NftTableState Render(DataplaneModel model) => new NftablesRenderer().RenderIncremental(model);

    /// <summary>Renders, reusing cached chains and sets whose inputs are the same objects as last time.</summary>
    public NftTableState RenderIncremental(DataplaneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Config;
        var chains = ImmutableDictionary.CreateBuilder<string, NftChain>(StringComparer.Ordinal);
        var sets = ImmutableDictionary.CreateBuilder<string, NftSet>(StringComparer.Ordinal);
        var maps = ImmutableDictionary.CreateBuilder<string, NftMap>(StringComparer.Ordinal);
        void AddChain(NftChain c) => chains[c.Name] = c;

        // IP sets: one nft set per IP version. Many new members (a snapshot) are formatted on another core while this
        // one renders the chains: the two share only read-only inputs (the model, immutable IP set states).
        var uncached = model.IPSets.Values.Sum(s => _setInputs.Contains(s) ? 0 : s.Members.Length);
        var renderingSets = uncached >= ParallelSetMembers ? Task.Run(() => RenderSets(model)) : Task.FromResult(RenderSets(model));

        // Pools for NAT-outgoing.
        AddPoolSet(sets, NftNames.AllPools4, 4, model.Pools.Values);
        AddPoolSet(sets, NftNames.AllPools6, 6, model.Pools.Values);
        AddPoolSet(sets, NftNames.MasqPools4, 4, model.Pools.Values.Where(p => p.Masquerade));
        AddPoolSet(sets, NftNames.MasqPools6, 6, model.Pools.Values.Where(p => p.Masquerade));

        // Policy and profile chains; what fails to render is remembered so that endpoints using it fail closed.
        var broken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in model.Policies.Values.OrderBy(p => p.Id.Tier, StringComparer.Ordinal).ThenBy(p => p.Id.Name, StringComparer.Ordinal))
        {
            RenderRuleChain(NftNames.Policy(policy.Id, true), policy, policy.InboundRules, false);
            RenderRuleChain(NftNames.Policy(policy.Id, false), policy, policy.OutboundRules, false);
        }
        foreach (var profile in model.Profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            RenderRuleChain(NftNames.Profile(profile.Id, true), profile, profile.InboundRules, true);
            RenderRuleChain(NftNames.Profile(profile.Id, false), profile, profile.OutboundRules, true);
        }

        void RenderRuleChain(string name, object input, ValueList<Rule> rules, bool inProfile)
        {
            if (!_ruleChains.TryGetValue(name, out var cached) || !ReferenceEquals(cached.Input, input)
                || cached.Version != model.IPSetIdsVersion || !ReferenceEquals(cached.Config, config))
            {
                var builder = new NftChainBuilder(name);
                NftChain? chain;
                try
                {
                    foreach (var rule in rules) builder.AddRange(NftRuleRenderer.Render(rule, inProfile, config.LogPrefix, model.IPSets));
                    chain = builder.Build();
                }
                catch (RuleNotRenderableException)
                {
                    chain = null;
                }
                cached = (input, model.IPSetIdsVersion, config, chain);
                _ruleChains[name] = cached;
            }
            if (cached.Chain is null) broken.Add(name);
            else AddChain(cached.Chain);
        }

        // Endpoint chains depend on which policy/profile chains are usable; a version tracks changes to that.
        var usable = chains.Keys.Where(k => !broken.Contains(k)).ToHashSet(StringComparer.Ordinal);
        if (!usable.SetEquals(_usable))
        {
            _usable = usable;
            _usableVersion++;
        }
        bool Usable(string chain) => usable.Contains(chain);

        var failClosed = new HashSet<string>(StringComparer.Ordinal);
        NftChain CachedEndpointChain(string name, object input, Func<(NftChain, bool)> render)
        {
            if (!_endpointChains.TryGetValue(name, out var cached) || !ReferenceEquals(cached.Input, input)
                || cached.Version != _usableVersion || !ReferenceEquals(cached.Config, config))
            {
                var (chain, closed) = render();
                cached = (input, _usableVersion, config, chain, closed);
                _endpointChains[name] = cached;
            }
            if (cached.FailClosed) failClosed.Add(name);
            return cached.Chain;
        }

        // Workload endpoints.
        var wlFrom = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var wlTo = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in model.WorkloadEndpoints.Values.OrderBy(e => e.Id.ToString(), StringComparer.Ordinal))
        {
            var from = NftNames.WorkloadFrom(endpoint.InterfaceName);
            var to = NftNames.WorkloadTo(endpoint.InterfaceName);
            AddChain(CachedEndpointChain(from, endpoint, () => EndpointChain(from, AntiSpoof(endpoint), endpoint.Tiers, endpoint.ProfileIds, inbound: false, Usable)));
            AddChain(CachedEndpointChain(to, endpoint, () => EndpointChain(to, [], endpoint.Tiers, endpoint.ProfileIds, inbound: true, Usable)));
            wlFrom[endpoint.InterfaceName] = "goto " + from;
            wlTo[endpoint.InterfaceName] = "goto " + to;
        }

        // Host endpoints with an interface; failsafe ports come first and survive fail-closed.
        var hepFrom = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var hepTo = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in model.HostEndpoints.Values.Where(h => h.InterfaceName is not null).OrderBy(h => h.Id.Name, StringComparer.Ordinal))
        {
            var name = endpoint.InterfaceName!;
            AddChain(CachedEndpointChain(NftNames.HostFrom(name), endpoint, () => EndpointChain(NftNames.HostFrom(name), ["jump " + NftNames.FailsafeIn], endpoint.Tiers, endpoint.ProfileIds, inbound: true, Usable)));
            AddChain(CachedEndpointChain(NftNames.HostTo(name), endpoint, () => EndpointChain(NftNames.HostTo(name), ["jump " + NftNames.FailsafeOut], endpoint.Tiers, endpoint.ProfileIds, inbound: false, Usable)));
            hepFrom[name] = "goto " + NftNames.HostFrom(name);
            hepTo[name] = "goto " + NftNames.HostTo(name);
        }
        AddChain(new NftChainBuilder(NftNames.FailsafeIn).AddRange(config.FailsafeInboundHostPorts.Select(p => Failsafe(p, "saddr"))).Build());
        AddChain(new NftChainBuilder(NftNames.FailsafeOut).AddRange(config.FailsafeOutboundHostPorts.Select(p => Failsafe(p, "daddr"))).Build());

        const string mapDefinition = "type ifname : verdict;";
        maps[NftNames.WorkloadFromMap] = new NftMap(NftNames.WorkloadFromMap, mapDefinition, wlFrom.ToImmutable());
        maps[NftNames.WorkloadToMap] = new NftMap(NftNames.WorkloadToMap, mapDefinition, wlTo.ToImmutable());
        maps[NftNames.HostFromMap] = new NftMap(NftNames.HostFromMap, mapDefinition, hepFrom.ToImmutable());
        maps[NftNames.HostToMap] = new NftMap(NftNames.HostToMap, mapDefinition, hepTo.ToImmutable());

        // Base chains last in the text of the renderer, but the delta creates them in dependency order.
        var prefixes = config.WorkloadInterfacePrefixes.Select(p => $"\"{NftRuleRenderer.Escape(p)}*\"").ToList();
        AddChain(new NftChainBuilder(NftNames.ForwardEgress, FilterForward)
            .AddRange(Conntrack())
            .Add($"iifname vmap @{NftNames.WorkloadFromMap}")
            .AddRange(prefixes.Select(p => $"iifname {p} drop"))
            .Build());
        AddChain(new NftChainBuilder(NftNames.ForwardIngress, ForwardIngressDefinition)
            .AddRange(Conntrack())
            .Add($"oifname vmap @{NftNames.WorkloadToMap}")
            .AddRange(prefixes.Select(p => $"oifname {p} drop"))
            .Build());
        var input = new NftChainBuilder(NftNames.Input, InputDefinition).AddRange(Conntrack());
        input.AddRange(prefixes.Select(p => $"iifname {p} {Icmpv6Neighbour}"));
        if (config.EndpointToHostAction == EndpointToHostAction.Accept) input.Add($"iifname vmap @{NftNames.WorkloadFromMap}");
        input.AddRange(prefixes.Select(p => $"iifname {p} drop"));
        input.Add($"iifname vmap @{NftNames.HostFromMap}");
        AddChain(input.Build());
        AddChain(new NftChainBuilder(NftNames.Output, "type filter hook output priority filter; policy accept;")
            .AddRange(Conntrack())
            .AddRange(prefixes.Select(p => $"oifname {p} accept"))   // the host may always reach its own workloads (Calico)
            .Add($"oifname vmap @{NftNames.HostToMap}")
            .Build());
        AddChain(new NftChainBuilder(NftNames.PostroutingNat, "type nat hook postrouting priority srcnat; policy accept;")
            .Add($"ip saddr @{NftNames.MasqPools4} ip daddr != @{NftNames.AllPools4} masquerade")
            .Add($"ip6 saddr @{NftNames.MasqPools6} ip6 daddr != @{NftNames.AllPools6} masquerade")
            .Build());

        _failClosed = failClosed;
        foreach (var set in renderingSets.GetAwaiter().GetResult()) sets[set.Name] = set;
        return new NftTableState(true, chains.ToImmutable(), sets.ToImmutable(), maps.ToImmutable());
    }

    /// <summary>Below this many members to format, the IP sets are rendered on the caller's thread.</summary>
    private const int ParallelSetMembers = 2_000;

    /// <summary>One nft set per IP set and IP version, formatted again only when the IP set's state object changed.</summary>
    private List<NftSet> RenderSets(DataplaneModel model)
    {
        var result = new List<NftSet>(model.IPSets.Count * 2);
        _setInputs.Clear();
        foreach (var (id, set) in model.IPSets)
        {
            var named = set.Type == IPSetType.NamedPorts;
            foreach (var v in new[] { 4, 6 })
            {
                var networks = !named && set.HasNetworks(v);
                var name = NftNames.IPSet(id, v, named, networks);
                if (!_sets.TryGetValue(name, out var cached) || !ReferenceEquals(cached.Input, set))
                {
                    var type = v == 4 ? "ipv4_addr" : "ipv6_addr";
                    var definition = named ? $"type {type} . inet_proto . inet_service;" : networks ? $"type {type}; flags interval;" : $"type {type};";
                    cached = (set, new NftSet(name, definition, NftElementSet.Of(NftElements.For(set.Members, set.Type, v, networks))));
                    _sets[name] = cached;
                }
                result.Add(cached.Set);
            }
            _setInputs.Add(set);
        }
        return result;
    }

    /// <summary>
    /// The table an agent creates before it knows anything (when the kernel has none): the three filter base chains,
    /// each dropping every interface with a workload prefix. Workloads are then fail-closed, whatever routes exist,
    /// until the first full programming replaces these chains (in its one transaction).
    /// </summary>
    public static NftTableState Guard(ConfigUpdate config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var prefixes = config.WorkloadInterfacePrefixes.Select(p => $"\"{NftRuleRenderer.Escape(p)}*\"").ToList();
        NftChain Chain(string name, string definition, string match) =>
            new NftChainBuilder(name, definition).AddRange(prefixes.Select(p => $"{match} {p} drop")).Build();
        var chains = ImmutableDictionary.CreateRange(StringComparer.Ordinal, new[]
        {
            Chain(NftNames.ForwardEgress, FilterForward, "iifname"),
            Chain(NftNames.ForwardIngress, ForwardIngressDefinition, "oifname"),
            Chain(NftNames.Input, InputDefinition, "iifname"),
        }.Select(c => KeyValuePair.Create(c.Name, c)));
        return NftTableState.Missing with { TableExists = true, Chains = chains };
    }

    private static IEnumerable<string> Conntrack() => ["ct state established,related accept", "ct state invalid drop"];

    private static List<string> AntiSpoof(WorkloadEndpointUpdate endpoint) =>
    [
        endpoint.IPv4Nets.IsEmpty ? "meta nfproto ipv4 drop" : $"ip saddr != {{ {string.Join(", ", NftElements.Normalize(endpoint.IPv4Nets))} }} drop",
        endpoint.IPv6Nets.IsEmpty ? "meta nfproto ipv6 drop" : $"ip6 saddr != {{ {string.Join(", ", NftElements.Normalize(endpoint.IPv6Nets))} }} drop",
    ];

    private static string Failsafe(FailsafePort port, string direction)
    {
        var net = port.Net is { } n ? (NftRuleRenderer.Version(n) == 4 ? $" ip {direction} {n}" : $" ip6 {direction} {n}") : "";
        return $"meta l4proto {port.Protocol} th dport {port.Port}{net} accept";
    }

    /// <summary>One endpoint's chain for one direction: preamble, tiers, profiles, final drop.</summary>
    private static (NftChain Chain, bool FailClosed) EndpointChain(string name, IEnumerable<string> preamble, ValueList<TierInfo> tiers, ValueList<string> profiles, bool inbound, Func<string, bool> usable)
    {
        var builder = new NftChainBuilder(name).AddRange(preamble);
        var applicable = tiers.Where(t => !(inbound ? t.IngressPolicies : t.EgressPolicies).IsEmpty).ToList();
        var policyChains = applicable.SelectMany(t => (inbound ? t.IngressPolicies : t.EgressPolicies).Select(p => NftNames.Policy(p, inbound)));
        var profileChains = profiles.Select(p => NftNames.Profile(p, inbound));
        if (!policyChains.Concat(profileChains).All(usable))
        {
            // Fail closed: a policy or profile this endpoint needs is missing or cannot be rendered.
            return (builder.Add("drop").Build(), true);
        }

        var pass = $"0x{NftRuleRenderer.PassMark:x}";
        foreach (var tier in applicable)
        {
            builder.Add($"meta mark set meta mark & 0x{~NftRuleRenderer.PassMark:x}");   // a new tier starts without Pass
            var first = true;
            foreach (var policy in inbound ? tier.IngressPolicies : tier.EgressPolicies)
            {
                // After a Pass the rest of the tier is skipped; Allow and Deny never come back here.
                builder.Add(first ? $"jump {NftNames.Policy(policy, inbound)}" : $"meta mark & {pass} == 0 jump {NftNames.Policy(policy, inbound)}");
                first = false;
            }
            if (tier.DefaultAction == TierDefaultAction.Deny) builder.Add($"meta mark & {pass} == 0 drop");   // end-of-tier drop
        }
        foreach (var profile in profileChains) builder.Add($"jump {profile}");
        return (builder.Add("drop").Build(), false);   // nothing allowed it: default deny
    }

    private static void AddPoolSet(ImmutableDictionary<string, NftSet>.Builder sets, string name, int version, IEnumerable<IPPoolUpdate> pools)
    {
        var nets = NftElements.Normalize(pools.Select(p => p.Cidr).Where(c => NftRuleRenderer.Version(c) == version));
        sets[name] = new NftSet(name, $"type {(version == 4 ? "ipv4_addr" : "ipv6_addr")}; flags interval;", NftElementSet.Of(nets.Select(NftElements.Text)));
    }
}
