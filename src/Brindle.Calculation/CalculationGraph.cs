using System.Net;
using Brindle.Api;
using Brindle.Calculation.Messages;

namespace Brindle.Calculation;

/// <summary>
/// The node agent's calculation graph (Calico Felix's calc graph): datastore updates in, dataplane messages out, for one host.
/// Pure, synchronous and single-threaded: no clocks, no I/O, no locks.
/// </summary>
/// <remarks>
/// <code>
///  ResourceUpdate(key, value|null)
///     │ dispatch by the key's kind; a value equal to the one held is dropped
///     ├─ Namespace ─────────┐ kns.&lt;ns&gt; profile (allow-all rules, pcns.* labels)
///     ├─ Profile ───────────┴─> profile definitions + parent labels ──┐
///     ├─ Tier ──────────────────────────────> PolicyResolver          │
///     ├─ (Global)NetworkPolicy ─> PolicyCompiler ─> ActiveRulesCalculator ──> active policies/profiles
///     │                                               ^ local endpoints only     │ acquire/release
///     ├─ WorkloadEndpoint ─┬─ local endpoint filter ──┘  (spec.node == node)     v
///     ├─ HostEndpoint ─────┤                                          IPSetCalculator (all endpoints
///     ├─ (Global)NetworkSet┴─────────────────────────────────────────>   and network sets, LabelIndex)
///     ├─ IPPool ─> pools (natOutgoing → Masquerade)
///     └─ FelixConfiguration default / node.&lt;name&gt; ─> ConfigResolver
///  Flush (after every OnUpdate/OnUpdates/OnInSync), dependencies first, removals in reverse:
///     config, pools+ → IP sets+ → profiles+, policies+ → endpoints+, routes+
///     → routes- → endpoints- → policies-, profiles- → IP sets- → pools-
/// </code>
/// Invariants: every flush leaves the dataplane with exactly the desired state for the inputs held (output is a function
/// of current state: the same set of inputs gives the same dataplane whatever the order they arrived in); an endpoint is
/// never sent before the policies, profiles and IP sets it references, and those are removed only after it stops
/// referencing them; a referenced profile that does not exist is sent as deny-all (a namespace profile <c>kns.&lt;ns&gt;</c>
/// is implied by its namespace and allows) and a missing tier keeps its policies
/// with an end-of-tier deny, so nothing is ever left open. A local workload without an interface name cannot be
/// programmed and is only an IP-set member. <see cref="InSync"/> is sent once, on the first <see cref="OnInSync"/>.
/// </remarks>
public sealed class CalculationGraph
{
    private readonly string _nodeName;
    private readonly Action<DataplaneMessage> _emit;
    private readonly Dictionary<string, Resource> _resources = new(StringComparer.Ordinal);
    private readonly IPSetCalculator _ipSets = new();
    private readonly LabelInterner _labels = new();
    private readonly ActiveRulesCalculator _activeRules;
    private readonly PolicyResolver _policyResolver = new();
    private readonly Dictionary<string, (Resource Endpoint, IReadOnlyList<string> ProfileIds)> _localEndpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Profile> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubernetesNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>?> _parentLabels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<IPNetwork, SortedSet<string>> _routeOwners = [];
    private readonly Dictionary<string, IPNetwork[]> _endpointRoutes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyEndpoints = new(StringComparer.Ordinal);
    private readonly HashSet<IPNetwork> _dirtyRoutes = [];
    private readonly HashSet<string> _dirtyPools = new(StringComparer.Ordinal);
    private readonly OutputState<string> _sentEndpoints = new();
    private readonly OutputState<IPNetwork> _sentRoutes = new();
    private readonly OutputState<string> _sentPools = new();
    private FelixConfigurationSpec? _globalConfig;
    private FelixConfigurationSpec? _nodeConfig;
    private ConfigUpdate? _sentConfig;
    private bool _inSync;

    public CalculationGraph(string nodeName, Action<DataplaneMessage> emit)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(emit);
        _nodeName = nodeName;
        _emit = emit;
        _activeRules = new ActiveRulesCalculator(_ipSets, key => _dirtyEndpoints.Add(key));
    }

    public string NodeName => _nodeName;

    /// <summary>Local workload and host endpoints currently programmed.</summary>
    public int LocalEndpointCount => _sentEndpoints.Count;

    public int ActivePolicyCount => _activeRules.ActivePolicyCount;

    /// <summary>This node's workload endpoints as the graph holds them now (a snapshot).</summary>
    public IReadOnlyList<WorkloadEndpoint> LocalWorkloadEndpoints() => [.. _localEndpoints.Values.Select(v => v.Endpoint).OfType<WorkloadEndpoint>()];

    public int ActiveProfileCount => _activeRules.ActiveProfileCount;

    public int ActiveIPSetCount => _ipSets.ActiveSetCount;

    /// <summary>Resources held (every valid resource of a kind the graph uses).</summary>
    public int ResourceCount => _resources.Count;

    public bool IsInSync => _inSync;

    /// <summary>Distinct label sets held for endpoints and network sets (for tests: each is dropped with its last user).</summary>
    internal int LabelSetCount => _labels.Count;

    /// <summary>Applies one update and flushes the resulting dataplane changes.</summary>
    public void OnUpdate(ResourceUpdate update)
    {
        Apply(update);
        Flush();
    }

    /// <summary>Applies a batch of updates, then flushes once (fewer, larger messages; e.g. the initial snapshot).</summary>
    public void OnUpdates(IEnumerable<ResourceUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates) Apply(update);
        Flush();
    }

    /// <summary>The datastore snapshot is complete: flushes, then sends <see cref="InSync"/> (once).</summary>
    public void OnInSync()
    {
        Flush();
        if (_inSync) return;
        _inSync = true;
        _emit(InSync.Instance);
    }

    private void Apply(ResourceUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!ResourceKinds.TryLocateKey(update.Key, out var kind, out _, out var nameRange)) return;
        // Endpoints, sets and policies are held by their whole key; only the other kinds need their name as a string.
        var name = kind.Name is "WorkloadEndpoint" or "HostEndpoint" or "NetworkSet" or "GlobalNetworkSet" or "NetworkPolicy" or "GlobalNetworkPolicy"
            ? ""
            : update.Key[nameRange];
        // A value of another kind than its key says is not a valid value for the key.
        var value = update.Value is { } v && v.ResourceKind == kind ? v : null;
        Resource? previous;
        if (value is null)
        {
            if (!_resources.Remove(update.Key, out previous)) return;
        }
        else
        {
            // One lookup of the key: the held value is compared and replaced in place.
            ref var held = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_resources, update.Key, out _);
            previous = held;
            if (previous is not null && previous.Equals(value)) return;
            held = value;
        }

        switch (kind.Name)
        {
            case "WorkloadEndpoint": OnWorkloadEndpoint(update.Key, (WorkloadEndpoint?)value); break;
            case "HostEndpoint": OnHostEndpoint(update.Key, (HostEndpoint?)value); break;
            case "NetworkSet": OnNetworkSet(update.Key, value, ((NetworkSet?)value)?.Spec); break;
            case "GlobalNetworkSet": OnNetworkSet(update.Key, value, ((GlobalNetworkSet?)value)?.Spec); break;
            case "NetworkPolicy" or "GlobalNetworkPolicy": _activeRules.UpdatePolicy(update.Key, value is null ? null : PolicyCompiler.Compile(value)); break;
            case "Tier":
                if (_policyResolver.UpdateTier(name, (Tier?)value)) _dirtyEndpoints.UnionWith(_localEndpoints.Keys);
                break;
            case "Profile":
                if (value is Profile profile) _profiles[name] = profile;
                else _profiles.Remove(name);
                RefreshProfile(name);
                break;
            case "Namespace":
                if (value is KubernetesNamespace ns) _namespaces[name] = ns;
                else _namespaces.Remove(name);
                RefreshProfile(EndpointConverter.NamespaceProfile(name));
                break;
            case "IPPool":
                if (value is IPPool pool) _pools[name] = pool;
                else _pools.Remove(name);
                _dirtyPools.Add(name);
                break;
            case "FelixConfiguration":
                if (name == "default") _globalConfig = ((FelixConfiguration?)value)?.Spec;
                else if (name == "node." + _nodeName) _nodeConfig = ((FelixConfiguration?)value)?.Spec;
                break;
        }
        // The labels of what was held, after the new value took its own (an unchanged label set stays shared).
        if (previous is not null && kind.Name is "WorkloadEndpoint" or "HostEndpoint" or "NetworkSet" or "GlobalNetworkSet")
        {
            _labels.Release(previous is WorkloadEndpoint workload ? LabelSource.Of(workload) : LabelSource.Of(previous));
        }
    }

    private void OnWorkloadEndpoint(string key, WorkloadEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            _ipSets.DeleteItem(key);
            OnLocalEndpoint(key, null, null, null);
            return;
        }
        var labels = _labels.Acquire(LabelSource.Of(endpoint));
        var parents = EndpointConverter.Parents(endpoint.Spec.Profiles, endpoint.Namespace);
        _ipSets.UpdateItem(key, labels, parents, EndpointConverter.Item(endpoint));
        var local = endpoint.Spec.Node == _nodeName && !string.IsNullOrEmpty(endpoint.Spec.InterfaceName);
        OnLocalEndpoint(key, local ? endpoint : null, labels, parents);
    }

    private void OnHostEndpoint(string key, HostEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            _ipSets.DeleteItem(key);
            OnLocalEndpoint(key, null, null, null);
            return;
        }
        var labels = _labels.Acquire(LabelSource.Of((Resource)endpoint));
        var parents = EndpointConverter.Parents(endpoint.Spec.Profiles, null);
        _ipSets.UpdateItem(key, labels, parents, EndpointConverter.Item(endpoint));
        OnLocalEndpoint(key, endpoint.Spec.Node == _nodeName ? endpoint : null, labels, parents);
    }

    private void OnNetworkSet(string key, Resource? set, NetworkSetSpec? spec)
    {
        if (set is null || spec is null) _ipSets.DeleteItem(key);
        else _ipSets.UpdateItem(key, _labels.Acquire(LabelSource.Of(set)), EndpointConverter.Parents(default, set.Namespace), EndpointConverter.Item(spec));
    }

    /// <summary>The local endpoint filter: only this node's endpoints are policed (others only feed IP sets).</summary>
    private void OnLocalEndpoint(string key, Resource? endpoint, Dictionary<string, string>? labels, IReadOnlyList<string>? parents)
    {
        if (endpoint is null)
        {
            // Not (or no longer) local: only an endpoint that was local has anything to take down.
            if (!_localEndpoints.Remove(key)) return;
            _activeRules.RemoveLocalEndpoint(key);
        }
        else
        {
            var profileIds = endpoint is WorkloadEndpoint w ? EndpointConverter.ProfileIds(w) : EndpointConverter.ProfileIds((HostEndpoint)endpoint);
            _localEndpoints[key] = (endpoint, profileIds);
            _activeRules.UpdateLocalEndpoint(key, labels!, parents!, profileIds);
        }
        _dirtyEndpoints.Add(key);
        UpdateRoutes(key, endpoint as WorkloadEndpoint);
    }

    private void UpdateRoutes(string key, WorkloadEndpoint? endpoint)
    {
        IPNetwork[] wanted = endpoint is null ? [] : [.. endpoint.Spec.IPNetworks.Select(c => c.Network)];
        if (_endpointRoutes.Remove(key, out var old))
        {
            foreach (var destination in old)
            {
                var owners = _routeOwners[destination];
                owners.Remove(key);
                if (owners.Count == 0) _routeOwners.Remove(destination);
                _dirtyRoutes.Add(destination);
            }
        }
        if (wanted.Length == 0) return;
        _endpointRoutes[key] = wanted;
        foreach (var destination in wanted)
        {
            if (!_routeOwners.TryGetValue(destination, out var owners)) _routeOwners[destination] = owners = new(StringComparer.Ordinal);
            owners.Add(key);
            _dirtyRoutes.Add(destination);
        }
    }

    /// <summary>Re-resolves a profile id: a stored Profile wins; else <c>kns.&lt;ns&gt;</c> comes from its Namespace; else it is missing.</summary>
    private void RefreshProfile(string id)
    {
        CompiledProfile? definition = null;
        Dictionary<string, string>? labels = null;
        if (_profiles.TryGetValue(id, out var profile))
        {
            definition = PolicyCompiler.Compile(profile);
            labels = profile.Spec.LabelsToApply.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        }
        else if (id.StartsWith(CalculationLabels.NamespaceProfilePrefix, StringComparison.Ordinal)
            && _namespaces.TryGetValue(id[CalculationLabels.NamespaceProfilePrefix.Length..], out var ns))
        {
            definition = CompiledProfile.AllowAll(id);
            labels = EndpointConverter.NamespaceProfileLabels(ns);
        }
        _activeRules.UpdateProfile(id, definition);
        if (_parentLabels.TryGetValue(id, out var held) && SameLabels(held, labels)) return;
        if (labels is null) _parentLabels.Remove(id);
        else _parentLabels[id] = labels;
        _activeRules.UpdateParentLabels(id, labels);
        _ipSets.UpdateParentLabels(id, labels);
    }

    private static bool SameLabels(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        a is null ? b is null : b is not null && a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private void Flush()
    {
        var updates = new List<DataplaneMessage>();
        var removes = new List<DataplaneMessage>();

        // Configuration and pools first: nothing references them, and the dataplane reads them for every endpoint.
        var config = ConfigResolver.Resolve(_globalConfig, _nodeConfig);
        if (!config.Equals(_sentConfig))
        {
            _emit(config);
            _sentConfig = config;
        }
        var poolRemoves = new List<DataplaneMessage>();
        foreach (var name in _dirtyPools.Order(StringComparer.Ordinal))
        {
            (DataplaneMessage, DataplaneMessage)? desired = _pools.TryGetValue(name, out var pool)
                ? (new IPPoolUpdate(name, pool.Spec.Cidr.Network, pool.Spec.NatOutgoing == true), new IPPoolRemove(name))
                : null;
            _sentPools.Reconcile(name, desired, updates, poolRemoves);
        }
        _dirtyPools.Clear();
        EmitAll(updates);

        // IP sets before the policies whose rules name them.
        _ipSets.FlushUpdates(_emit);
        // Profiles and policies before the endpoints that list them.
        _activeRules.FlushUpdates(_emit);

        // Endpoints, then the routes to their interfaces.
        foreach (var key in _dirtyEndpoints.Order(StringComparer.Ordinal))
        {
            _sentEndpoints.Reconcile(key, _localEndpoints.TryGetValue(key, out var endpoint) ? DesiredEndpoint(key, endpoint.Endpoint, endpoint.ProfileIds) : null, updates, removes);
        }
        _dirtyEndpoints.Clear();
        var routeRemoves = new List<DataplaneMessage>();
        foreach (var destination in _dirtyRoutes.OrderBy(d => d.ToString(), StringComparer.Ordinal))
        {
            (DataplaneMessage, DataplaneMessage)? desired = _routeOwners.TryGetValue(destination, out var owners)
                ? (new RouteUpdate(destination, RouteType.LocalWorkload, ((WorkloadEndpoint)_localEndpoints[owners.Min!].Endpoint).Spec.InterfaceName), new RouteRemove(destination))
                : null;
            _sentRoutes.Reconcile(destination, desired, updates, routeRemoves);
        }
        _dirtyRoutes.Clear();
        EmitAll(updates);

        // Removals in reverse dependency order: routes, endpoints, then what they referenced, then IP sets, then pools.
        EmitAll(routeRemoves);
        EmitAll(removes);
        _activeRules.FlushRemoves(_emit);
        _ipSets.FlushRemoves(_emit);
        EmitAll(poolRemoves);
    }

    private (DataplaneMessage Update, DataplaneMessage Remove) DesiredEndpoint(string key, Resource endpoint, IReadOnlyList<string> profileIds)
    {
        var policies = _activeRules.MatchingPolicies(key).ToList();
        if (endpoint is WorkloadEndpoint workload)
        {
            // Untracked and pre-DNAT policies apply to host endpoints only.
            var update = EndpointConverter.Update(workload, _policyResolver.Resolve(policies.Where(p => p.Hook == PolicyHook.Normal)), profileIds);
            return (update, new WorkloadEndpointRemove(update.Id));
        }
        var host = (HostEndpoint)endpoint;
        return (EndpointConverter.Update(
                host,
                _policyResolver.Resolve(policies.Where(p => p.Hook == PolicyHook.Normal)),
                _policyResolver.Resolve(policies.Where(p => p.Hook == PolicyHook.Untracked)),
                _policyResolver.Resolve(policies.Where(p => p.Hook == PolicyHook.PreDnat)),
                profileIds),
            new HostEndpointRemove(new HostEndpointId(host.Name)));
    }

    private void EmitAll(List<DataplaneMessage> messages)
    {
        foreach (var message in messages) _emit(message);
        messages.Clear();
    }
}
