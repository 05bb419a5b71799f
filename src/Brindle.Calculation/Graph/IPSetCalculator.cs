using System.Net;
using Brindle.Api;
using Brindle.Calculation.Messages;
using Brindle.Policy;

namespace Brindle.Calculation;

/// <summary>What one endpoint or network set contributes to the IP sets that select it.</summary>
/// <param name="Nets">Its addresses (workload /32s and /128s, host endpoint expected IPs, network set CIDRs).</param>
/// <param name="Ports">Its named ports (endpoints only).</param>
internal sealed record IPSetItem(IPNetwork[] Nets, EquatableArray<EndpointPort> Ports);

/// <summary>
/// Keeps the membership of every IP set that an active rule references, over ALL endpoints and network sets of the
/// cluster (local or not), incrementally through a <see cref="LabelIndex{TSelectorId,TItemId}"/>.
/// </summary>
/// <remarks>
/// Inputs: items (<see cref="UpdateItem"/>/<see cref="DeleteItem"/>), their parents' labels, and set references
/// (<see cref="Acquire"/>/<see cref="Release"/>, counted). Outputs, on <see cref="FlushUpdates"/>: an
/// <see cref="IPSetUpdate"/> with the full membership for a set that became referenced, an <see cref="IPSetDeltaUpdate"/>
/// for membership changes of a set already sent; on <see cref="FlushRemoves"/>: an <see cref="IPSetRemove"/> for a sent
/// set that is no longer referenced. The caller flushes updates before the rules that use them and removes after.
/// Invariants: a set exists exactly while its reference count is positive; members are counted, so two items with the same
/// address keep it in the set until both are gone; a set released and re-acquired before a flush is re-sent whole.
/// </remarks>
internal sealed class IPSetCalculator
{
    // Selectors are the sets themselves (reference identity): a match hands over its set without a lookup by id.
    private readonly LabelIndex<SetState, string> _index;
    private readonly Dictionary<string, IPSetItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SetState> _sets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingRemoves = new(StringComparer.Ordinal);
    private bool _suppressCallbacks;

    public IPSetCalculator() => _index = new LabelIndex<SetState, string>(OnMatchStarted, OnMatchStopped);

    public int ActiveSetCount => _sets.Count;

    public int ItemCount => _items.Count;

    /// <summary>Members of an active set (for tests and diagnostics).</summary>
    public IReadOnlyCollection<IPSetMember> Members(string setId) => _sets.TryGetValue(setId, out var set) ? set.Members.Keys : [];

    /// <summary>Adds or replaces an item; <paramref name="labels"/> is kept (shared), never to be changed by the caller.</summary>
    public void UpdateItem(string key, Dictionary<string, string> labels, IReadOnlyList<string> parents, IPSetItem item)
    {
        // Take the old contribution out of every set that matches now, let the index move the item, then put the new
        // contribution into every set that matches afterwards. Unchanged members cancel out in the pending delta.
        ref var held = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_items, key, out var exists);
        if (exists) Contribute(_index.SelectorsMatching(key), held!, -1);
        held = item;
        _suppressCallbacks = true;
        try
        {
            _index.UpdateItem(key, labels, parents, share: true);
        }
        finally
        {
            _suppressCallbacks = false;
        }
        Contribute(_index.SelectorsMatching(key), item, +1);
    }

    public void DeleteItem(string key)
    {
        if (!_items.TryGetValue(key, out var old)) return;
        Contribute(_index.SelectorsMatching(key), old, -1);
        WithoutCallbacks(() => _index.DeleteItem(key));
        _items.Remove(key);
    }

    public void UpdateParentLabels(string parentId, IReadOnlyDictionary<string, string>? labels) => _index.UpdateParentLabels(parentId, labels);

    public void Acquire(IPSetDefinition definition)
    {
        if (_sets.TryGetValue(definition.Id, out var existing))
        {
            existing.References++;
            return;
        }
        var set = new SetState(definition);
        _sets[definition.Id] = set;
        _pendingRemoves.Remove(definition.Id);
        _dirty.Add(definition.Id);
        _index.UpdateSelector(set, definition.Selector);
    }

    public void Release(string id)
    {
        var set = _sets[id];
        if (--set.References > 0) return;
        // The set's members are dropped with it: no per-member bookkeeping.
        WithoutCallbacks(() => _index.DeleteSelector(set));
        _sets.Remove(id);
        _dirty.Remove(id);
        if (_sent.Contains(id)) _pendingRemoves.Add(id);
    }

    /// <summary>Full updates for new sets, deltas for changed ones (in id order).</summary>
    public void FlushUpdates(Action<DataplaneMessage> emit)
    {
        foreach (var id in _dirty.Order(StringComparer.Ordinal))
        {
            var set = _sets[id];
            if (set.NeedsFullUpdate)
            {
                emit(new IPSetUpdate(id, set.Definition.Type, Sorted(set.Members.Keys)));
                set.NeedsFullUpdate = false;
                _sent.Add(id);
            }
            else if (set.Added.Count > 0 || set.Removed.Count > 0)
            {
                emit(new IPSetDeltaUpdate(id, Sorted(set.Added), Sorted(set.Removed)));
            }
            set.Added.Clear();
            set.Removed.Clear();
        }
        _dirty.Clear();
    }

    public void FlushRemoves(Action<DataplaneMessage> emit)
    {
        foreach (var id in _pendingRemoves.Order(StringComparer.Ordinal))
        {
            emit(new IPSetRemove(id));
            _sent.Remove(id);
        }
        _pendingRemoves.Clear();
    }

    private void WithoutCallbacks(Action action)
    {
        _suppressCallbacks = true;
        try
        {
            action();
        }
        finally
        {
            _suppressCallbacks = false;
        }
    }

    private void OnMatchStarted(SetState set, string itemKey)
    {
        if (!_suppressCallbacks) Contribute(set, _items[itemKey], +1);
    }

    private void OnMatchStopped(SetState set, string itemKey)
    {
        if (!_suppressCallbacks) Contribute(set, _items[itemKey], -1);
    }

    private void Contribute(IReadOnlyCollection<SetState> sets, IPSetItem item, int sign)
    {
        foreach (var set in sets) Contribute(set, item, sign);
    }

    private void Contribute(SetState set, IPSetItem item, int sign)
    {
        var definition = set.Definition;
        if (definition.NamedPort is null)
        {
            foreach (var net in item.Nets) set.Count(new IPSetMember(net), sign);
        }
        else
        {
            foreach (var port in item.Ports)
            {
                if (!string.Equals(port.Name, definition.NamedPort, StringComparison.Ordinal)) continue;
                if (port.Protocol.NumberValue is not { } protocol || (definition.NamedPortProtocol is { } wanted && wanted != protocol)) continue;
                foreach (var net in item.Nets)
                {
                    if (net.PrefixLength == (net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
                    {
                        set.Count(new IPSetMember(net, (int)protocol, (int)port.Port), sign);
                    }
                }
            }
        }
        if (!set.NeedsFullUpdate) _dirty.Add(definition.Id);
    }

    private static ValueList<IPSetMember> Sorted(ICollection<IPSetMember> members)
    {
        var array = new IPSetMember[members.Count];
        members.CopyTo(array, 0);
        IPSetMember.Sort(array);
        // The array is not kept elsewhere: the message owns it without a copy.
        return new(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(array));
    }

    private sealed class SetState(IPSetDefinition definition)
    {
        public IPSetDefinition Definition { get; } = definition;

        public int References { get; set; } = 1;

        public bool NeedsFullUpdate { get; set; } = true;

        public Dictionary<IPSetMember, int> Members { get; } = [];

        public HashSet<IPSetMember> Added { get; } = [];

        public HashSet<IPSetMember> Removed { get; } = [];

        public void Count(IPSetMember member, int sign)
        {
            // One lookup: the count is updated in place (a new member starts from 0).
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Members, member, out _);
            var count = slot += sign;
            if (count > 0)
            {
                if (count == 1 && sign > 0 && !NeedsFullUpdate && !Removed.Remove(member)) Added.Add(member);
                return;
            }
            Members.Remove(member);
            if (!NeedsFullUpdate && !Added.Remove(member)) Removed.Add(member);
        }
    }
}
