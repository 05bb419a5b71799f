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
        var state = new IPSetState(m.Type, [.. m.Members]);
        var known = IPSets.TryGetValue(m.Id, out var old);
        if (known && old!.Type == state.Type && old.Members.SetEquals(state.Members)) return false;
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
        var members = old.Members.Except(m.RemovedMembers).Union(m.AddedMembers);
        if (members.SetEquals(old.Members)) return false;
        var state = old with { Members = members };
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

/// <summary>An IP set's current membership.</summary>
public sealed record IPSetState(IPSetType Type, System.Collections.Immutable.ImmutableHashSet<IPSetMember> Members)
{
    private (System.Collections.Immutable.ImmutableHashSet<IPSetMember>? Of, bool V4, bool V6) _networks;

    /// <summary>
    /// True when a member of this IP version is a network rather than a single address, so the kernel set needs
    /// intervals. Address-only sets (the usual selector match: workload /32s and /128s) are plain hash sets, which
    /// nft updates without loading every interval set's elements first (about 4 ms instead of 20 ms per change on
    /// a table with 10,000 addresses).
    /// </summary>
    public bool HasNetworks(int ipVersion)
    {
        if (!ReferenceEquals(_networks.Of, Members))
        {
            bool v4 = false, v6 = false;
            foreach (var member in Members)
            {
                var family = member.Net.BaseAddress.AddressFamily;
                if (family == System.Net.Sockets.AddressFamily.InterNetwork) v4 |= member.Net.PrefixLength < 32;
                else v6 |= member.Net.PrefixLength < 128;
                if (v4 && v6) break;
            }
            _networks = (Members, v4, v6);
        }
        return ipVersion == 4 ? _networks.V4 : _networks.V6;
    }

    // Equality as the record's own (type and the members object), leaving out the cache derived from them.
    public bool Equals(IPSetState? other) => other is not null && Type == other.Type && ReferenceEquals(Members, other.Members);

    public override int GetHashCode() => HashCode.Combine(Type, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Members));
}
