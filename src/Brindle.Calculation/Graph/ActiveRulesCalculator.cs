using Brindle.Calculation.Messages;
using Brindle.Policy;

namespace Brindle.Calculation;

/// <summary>
/// Decides which policies and profiles are active on this host and keeps the IP sets their rules reference (Calico's
/// ActiveRulesCalculator and RuleScanner).
/// </summary>
/// <remarks>
/// Inputs: compiled policies (<see cref="UpdatePolicy"/>), profile definitions (<see cref="UpdateProfile"/>; null = missing),
/// local endpoints with their labels, label parents and profile ids, and parents' labels.
/// A policy is active while its selector matches at least one local endpoint; a profile while at least one local endpoint
/// lists it. An active item holds one reference on each IP set its rules use; a changed active item takes its new
/// references before dropping the old, so shared sets are never removed and re-added.
/// Outputs: <see cref="ActivePolicyUpdate"/>/<see cref="ActiveProfileUpdate"/> on <see cref="FlushUpdates"/>, their removes
/// on <see cref="FlushRemoves"/>; <c>endpointChanged</c> whenever an endpoint's matching policies (or their order) may differ.
/// A referenced profile that does not exist is sent as deny-all (Calico's DummyDropRules), never left out; the exception
/// is a namespace profile <c>kns.&lt;ns&gt;</c>, implied by its endpoints' namespace (allow-all, see <see cref="CompiledProfile.ForMissing"/>).
/// </remarks>
internal sealed class ActiveRulesCalculator
{
    private readonly IPSetCalculator _ipSets;
    private readonly Action<string> _endpointChanged;
    private readonly LabelIndex<string, string> _policyIndex;
    private readonly Dictionary<string, CompiledPolicy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<IPSetDefinition>> _activePolicySets = new(StringComparer.Ordinal);

    // Local endpoints each policy matches (counted from the index's callbacks): active from the first to the last.
    private readonly Dictionary<string, int> _matchCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledProfile> _profileDefinitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _profileReferences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledProfile> _activeProfiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _endpointProfiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyPolicies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyProfiles = new(StringComparer.Ordinal);
    private readonly OutputState<string> _sentPolicies = new();
    private readonly OutputState<string> _sentProfiles = new();
    private readonly List<DataplaneMessage> _pendingRemoves = [];

    public ActiveRulesCalculator(IPSetCalculator ipSets, Action<string> endpointChanged)
    {
        _ipSets = ipSets;
        _endpointChanged = endpointChanged;
        _policyIndex = new LabelIndex<string, string>(OnPolicyMatchStarted, OnPolicyMatchStopped);
    }

    public int ActivePolicyCount => _activePolicySets.Count;

    public int ActiveProfileCount => _activeProfiles.Count;

    /// <summary>The policies whose selectors match a local endpoint now (unordered).</summary>
    public IEnumerable<CompiledPolicy> MatchingPolicies(string endpointKey) =>
        _policyIndex.SelectorsMatching(endpointKey).Select(key => _policies[key]);

    public void UpdatePolicy(string key, CompiledPolicy? policy)
    {
        if (policy is null)
        {
            if (!_policies.ContainsKey(key)) return;
            foreach (var endpoint in _policyIndex.ItemsMatching(key)) _endpointChanged(endpoint);
            _policyIndex.DeleteSelector(key);   // deactivates (releases the policy's sets) through the callback
            _policies.Remove(key);
            _dirtyPolicies.Add(key);
            return;
        }
        _policies[key] = policy;
        _policyIndex.UpdateSelector(key, policy.Selector);   // may activate (taking the new sets) or deactivate
        if (_activePolicySets.TryGetValue(key, out var held) && !ReferenceEquals(held, policy.IPSets))
        {
            // Still active with new rules: new references first, so sets both versions use stay in place.
            foreach (var set in policy.IPSets) _ipSets.Acquire(set);
            foreach (var set in held) _ipSets.Release(set.Id);
            _activePolicySets[key] = policy.IPSets;
        }
        // Order, tier or directions may have changed for every endpoint it matches.
        foreach (var endpoint in _policyIndex.ItemsMatching(key)) _endpointChanged(endpoint);
        _dirtyPolicies.Add(key);
    }

    /// <summary>Sets what a profile id resolves to; null means it does not exist (an active one is then sent as deny-all).</summary>
    public void UpdateProfile(string id, CompiledProfile? profile)
    {
        if (profile is null) _profileDefinitions.Remove(id);
        else _profileDefinitions[id] = profile;
        if (!_activeProfiles.TryGetValue(id, out var held)) return;
        var replacement = profile ?? CompiledProfile.ForMissing(id);
        foreach (var set in replacement.IPSets) _ipSets.Acquire(set);
        foreach (var set in held.IPSets) _ipSets.Release(set.Id);
        _activeProfiles[id] = replacement;
        _dirtyProfiles.Add(id);
    }

    public void UpdateLocalEndpoint(string key, Dictionary<string, string> labels, IReadOnlyList<string> parents, IReadOnlyList<string> profileIds)
    {
        // Take the new profile references before dropping the old ones (a profile both use stays active).
        foreach (var id in profileIds) AcquireProfile(id);
        if (_endpointProfiles.TryGetValue(key, out var old))
        {
            foreach (var id in old) ReleaseProfile(id);
        }
        _endpointProfiles[key] = profileIds;
        _policyIndex.UpdateItem(key, labels, parents, share: true);
    }

    public void RemoveLocalEndpoint(string key)
    {
        _policyIndex.DeleteItem(key);
        if (_endpointProfiles.Remove(key, out var old))
        {
            foreach (var id in old) ReleaseProfile(id);
        }
    }

    public void UpdateParentLabels(string parentId, IReadOnlyDictionary<string, string>? labels) => _policyIndex.UpdateParentLabels(parentId, labels);

    public void FlushUpdates(Action<DataplaneMessage> emit)
    {
        var updates = new List<DataplaneMessage>();
        foreach (var id in _dirtyProfiles.Order(StringComparer.Ordinal))
        {
            (DataplaneMessage, DataplaneMessage)? desired = _activeProfiles.TryGetValue(id, out var profile)
                ? (profile.ToMessage(), new ActiveProfileRemove(id))
                : null;
            _sentProfiles.Reconcile(id, desired, updates, _pendingRemoves);
        }
        foreach (var key in _dirtyPolicies.Order(StringComparer.Ordinal))
        {
            (DataplaneMessage, DataplaneMessage)? desired = _activePolicySets.ContainsKey(key)
                ? (_policies[key].ToMessage(), new ActivePolicyRemove(_policies[key].Id))
                : null;
            _sentPolicies.Reconcile(key, desired, updates, _pendingRemoves);
        }
        _dirtyProfiles.Clear();
        _dirtyPolicies.Clear();
        foreach (var message in updates) emit(message);
    }

    /// <summary>Removes of policies and profiles no endpoint uses any more: policies first, then profiles.</summary>
    public void FlushRemoves(Action<DataplaneMessage> emit)
    {
        foreach (var message in _pendingRemoves.OrderBy(m => m is ActiveProfileRemove)) emit(message);
        _pendingRemoves.Clear();
    }

    private void OnPolicyMatchStarted(string policyKey, string endpointKey)
    {
        _matchCounts.TryGetValue(policyKey, out var count);
        _matchCounts[policyKey] = count + 1;
        if (count == 0)
        {
            var sets = _policies[policyKey].IPSets;
            foreach (var set in sets) _ipSets.Acquire(set);
            _activePolicySets[policyKey] = sets;
            _dirtyPolicies.Add(policyKey);
        }
        _endpointChanged(endpointKey);
    }

    private void OnPolicyMatchStopped(string policyKey, string endpointKey)
    {
        var count = _matchCounts[policyKey] - 1;
        if (count > 0) _matchCounts[policyKey] = count;
        else _matchCounts.Remove(policyKey);
        if (count == 0 && _activePolicySets.Remove(policyKey, out var sets))
        {
            foreach (var set in sets) _ipSets.Release(set.Id);
            _dirtyPolicies.Add(policyKey);
        }
        _endpointChanged(endpointKey);
    }

    private void AcquireProfile(string id)
    {
        _profileReferences.TryGetValue(id, out var count);
        _profileReferences[id] = count + 1;
        if (count > 0) return;
        var profile = _profileDefinitions.GetValueOrDefault(id) ?? CompiledProfile.ForMissing(id);
        foreach (var set in profile.IPSets) _ipSets.Acquire(set);
        _activeProfiles[id] = profile;
        _dirtyProfiles.Add(id);
    }

    private void ReleaseProfile(string id)
    {
        var count = _profileReferences[id] - 1;
        if (count > 0)
        {
            _profileReferences[id] = count;
            return;
        }
        _profileReferences.Remove(id);
        if (_activeProfiles.Remove(id, out var profile))
        {
            foreach (var set in profile.IPSets) _ipSets.Release(set.Id);
        }
        _dirtyProfiles.Add(id);
    }
}
