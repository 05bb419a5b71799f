using System.Collections.Immutable;
using System.Net;
using Brindle.Calculation.Messages;

namespace Brindle.Dataplane.Model;

/// <summary>
/// The desired dataplane as the latest message per key. <see cref="OnUpdate"/> is cheap (no I/O, proportional to
/// the message) and reports whether anything changed; renderers read the dictionaries.
/// </summary>
/// <remarks>Invariant: the content depends only on the messages received, never on their delivery history
/// (except <see cref="IPSetDeltaUpdate"/>, which patches a set by definition).</remarks>
public sealed class DataplaneModel
{
    public Dictionary<WorkloadEndpointId, WorkloadEndpointUpdate> WorkloadEndpoints { get; } = [];

    public Dictionary<HostEndpointId, HostEndpointUpdate> HostEndpoints { get; } = [];

    public Dictionary<PolicyId, ActivePolicyUpdate> Policies { get; } = [];

    public Dictionary<string, ActiveProfileUpdate> Profiles { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IPSetState> IPSets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IPPoolUpdate> Pools { get; } = new(StringComparer.Ordinal);

    public Dictionary<IPNetwork, RouteUpdate> Routes { get; } = [];

    public ConfigUpdate Config { get; private set; } = ConfigUpdate.Default;

    public bool InSync { get; private set; }

    /// <summary>Changes whenever an IP set id appears, disappears or changes type, or starts or stops holding networks
    /// (not on other membership changes): rendered rules depend on which kernel sets exist, not on what they hold.</summary>
    public int IPSetIdsVersion { get; private set; }

    /// <summary>Records the message; returns true if the desired state changed.</summary>
    public bool OnUpdate(DataplaneMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            WorkloadEndpointUpdate m => Set(WorkloadEndpoints, m.Id, m),
            WorkloadEndpointRemove m => WorkloadEndpoints.Remove(m.Id),
            HostEndpointUpdate m => Set(HostEndpoints, m.Id, m),
            HostEndpointRemove m => HostEndpoints.Remove(m.Id),
            ActivePolicyUpdate m => Set(Policies, m.Id, m),
            ActivePolicyRemove m => Policies.Remove(m.Id),
            ActiveProfileUpdate m => Set(Profiles, m.Id, m),
            ActiveProfileRemove m => Profiles.Remove(m.Id),
            IPSetUpdate m => SetIPSet(m),
            IPSetDeltaUpdate m => PatchIPSet(m),
            IPSetRemove m => RemoveIPSet(m.Id),
            IPPoolUpdate m => Set(Pools, m.Id, m),
            IPPoolRemove m => Pools.Remove(m.Id),
            RouteUpdate m => Set(Routes, m.Destination, m),
            RouteRemove m => Routes.Remove(m.Destination),
            ConfigUpdate m => SetConfig(m),
            Calculation.Messages.InSync => SetInSync(),
            _ => throw new ArgumentException($"Unknown dataplane message {message.GetType().Name}.", nameof(message)),
        };
    }

    private static bool Set<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (map.TryGetValue(key, out var old) && EqualityComparer<TValue>.Default.Equals(old, value)) return false;
        map[key] = value;
        return true;
    }

    private bool SetIPSet(IPSetUpdate m)
    {
        var state = new IPSetState(m.Type, m.Members.Items);
        var known = IPSets.TryGetValue(m.Id, out var old);
        if (known && old!.Type == state.Type && old.SameMembers(state)) return false;
        if (!known || old!.Type != state.Type || old.HasNetworks(4) != state.HasNetworks(4) || old.HasNetworks(6) != state.HasNetworks(6)) IPSetIdsVersion++;
        IPSets[m.Id] = state;
        return true;
    }

    private bool PatchIPSet(IPSetDeltaUpdate m)
    {
        if (!IPSets.TryGetValue(m.Id, out var old))
        {
            // A delta to a set we never saw breaks the producer's contract; Calico's mock dataplane fails here too.
            throw new InvalidOperationException($"IP set delta for unknown set '{m.Id}'.");
        }
        var state = old.Patch(m.RemovedMembers, m.AddedMembers);
        if (ReferenceEquals(state, old)) return false;
        if (state.HasNetworks(4) != old.HasNetworks(4) || state.HasNetworks(6) != old.HasNetworks(6)) IPSetIdsVersion++;   // the kernel set's name and type change
        IPSets[m.Id] = state;
        return true;
    }

    private bool RemoveIPSet(string id)
    {
        if (!IPSets.Remove(id)) return false;
        IPSetIdsVersion++;
        return true;
    }

    private bool SetConfig(ConfigUpdate m)
    {
        if (Config == m) return false;
        Config = m;
        return true;
    }

    private bool SetInSync()
    {
        if (InSync) return false;
        InSync = true;
        return true;
    }
}

/// <summary>An IP set's current membership: distinct members in <see cref="IPSetMember.Order"/> (IPv4 first).</summary>
/// <remarks>
/// A sorted array rather than a hash set: a full update arrives sorted from the calculation graph and is kept as it
/// is (no copy), the renderer walks it in order, and a delta is one merge. Equality is identity (the renderer caches by
/// it); <see cref="SameMembers"/> compares content.
/// </remarks>
public sealed class IPSetState
{
    private readonly bool _networks4;
    private readonly bool _networks6;

    /// <summary>A set of <paramref name="members"/> (any order, duplicates allowed; already sorted and distinct is the cheap case).</summary>
    public IPSetState(IPSetType type, ImmutableArray<IPSetMember> members)
    {
        Type = type;
        Members = SortedDistinct(members);
        foreach (var member in Members)
        {
            if (member.Net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) _networks4 |= member.Net.PrefixLength < 32;
            else _networks6 |= member.Net.PrefixLength < 128;
        }
    }

    public IPSetType Type { get; }

    public ImmutableArray<IPSetMember> Members { get; }

    /// <summary>
    /// True when a member of this IP version is a network rather than a single address, so the kernel set needs
    /// intervals. Address-only sets (the usual selector match: workload /32s and /128s) are plain hash sets, which
    /// nft updates without loading every interval set's elements first (about 4 ms instead of 20 ms per change on
    /// a table with 10,000 addresses).
    /// </summary>
    public bool HasNetworks(int ipVersion) => ipVersion == 4 ? _networks4 : _networks6;

    public bool SameMembers(IPSetState other) => other is not null && Members.AsSpan().SequenceEqual(other.Members.AsSpan());

    /// <summary>This set without <paramref name="removed"/>, then with <paramref name="added"/>; this very object when that changes nothing.</summary>
    public IPSetState Patch(IReadOnlyCollection<IPSetMember> removed, IReadOnlyCollection<IPSetMember> added)
    {
        var gone = removed.Count == 0 ? null : removed.ToHashSet();
        var incoming = SortedDistinct([.. added]);
        var merged = ImmutableArray.CreateBuilder<IPSetMember>(Members.Length + incoming.Length);
        int i = 0, j = 0;
        while (i < Members.Length || j < incoming.Length)
        {
            var c = i == Members.Length ? 1 : j == incoming.Length ? -1 : IPSetMember.Order.Compare(Members[i], incoming[j]);
            if (c > 0)
            {
                merged.Add(incoming[j++]);
                continue;
            }
            if (gone is null || !gone.Contains(Members[i]) || c == 0) merged.Add(Members[i]);   // removed, unless added again
            i++;
            if (c == 0) j++;
        }
        var patched = merged.DrainToImmutable();
        return patched.AsSpan().SequenceEqual(Members.AsSpan()) ? this : new IPSetState(Type, patched);
    }

    private static ImmutableArray<IPSetMember> SortedDistinct(ImmutableArray<IPSetMember> members)
    {
        if (members.IsDefault) return [];
        var ordered = true;
        for (var i = 1; i < members.Length && ordered; i++) ordered = IPSetMember.Order.Compare(members[i - 1], members[i]) < 0;
        if (ordered) return members;
        var sorted = members.ToArray();
        Array.Sort(sorted, IPSetMember.Order);
        var distinct = sorted.Length == 0 ? 0 : 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (IPSetMember.Order.Compare(sorted[i], sorted[distinct - 1]) != 0) sorted[distinct++] = sorted[i];
        }
        return [.. sorted.AsSpan(0, distinct)];
    }
}
