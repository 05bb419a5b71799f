using System.Text;
using Brindle.Calculation.Messages;

namespace Brindle.Calculation.Tests;

/// <summary>
/// A fake dataplane that applies the graph's messages and fails on every contract violation, at the message that breaks
/// it: a delta to an unknown set or one that adds a present member or removes an absent one, a policy naming a set it has
/// not received, an endpoint naming a policy or profile it has not received, removing anything still referenced or unknown,
/// a second InSync. <see cref="Dump"/> is a canonical text of the whole state, for comparing final states.
/// </summary>
internal sealed class DataplaneModel
{
    public Dictionary<string, (IPSetType Type, HashSet<IPSetMember> Members)> IPSets { get; } = new(StringComparer.Ordinal);

    public Dictionary<PolicyId, ActivePolicyUpdate> Policies { get; } = [];

    public Dictionary<string, ActiveProfileUpdate> Profiles { get; } = new(StringComparer.Ordinal);

    public Dictionary<WorkloadEndpointId, WorkloadEndpointUpdate> Workloads { get; } = [];

    public Dictionary<HostEndpointId, HostEndpointUpdate> Hosts { get; } = [];

    public Dictionary<string, RouteUpdate> Routes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IPPoolUpdate> Pools { get; } = new(StringComparer.Ordinal);

    public ConfigUpdate? Config { get; private set; }

    public bool InSync { get; private set; }

    public int MessageCount { get; private set; }

    public void Apply(DataplaneMessage message)
    {
        MessageCount++;
        switch (message)
        {
            case IPSetUpdate u:
                IPSets[u.Id] = (u.Type, [.. u.Members]);
                break;
            case IPSetDeltaUpdate d:
                Check(IPSets.TryGetValue(d.Id, out var set), $"delta to unknown IP set {d.Id}");
                foreach (var m in d.RemovedMembers) Check(set.Members.Remove(m), $"delta removes absent member {m} from {d.Id}");
                foreach (var m in d.AddedMembers) Check(set.Members.Add(m), $"delta adds present member {m} to {d.Id}");
                break;
            case IPSetRemove r:
                Check(IPSets.ContainsKey(r.Id), $"remove of unknown IP set {r.Id}");
                Check(!SetsInUse().Contains(r.Id), $"IP set {r.Id} removed while a rule references it");
                IPSets.Remove(r.Id);
                break;
            case ActivePolicyUpdate p:
                CheckSets(p.InboundRules.Concat(p.OutboundRules), $"policy {p.Id}");
                Policies[p.Id] = p;
                break;
            case ActivePolicyRemove p:
                Check(Policies.ContainsKey(p.Id), $"remove of unknown policy {p.Id}");
                Check(!Tiers().Any(t => t.IngressPolicies.Contains(p.Id) || t.EgressPolicies.Contains(p.Id)), $"policy {p.Id} removed while an endpoint references it");
                Policies.Remove(p.Id);
                break;
            case ActiveProfileUpdate p:
                CheckSets(p.InboundRules.Concat(p.OutboundRules), $"profile {p.Id}");
                Profiles[p.Id] = p;
                break;
            case ActiveProfileRemove p:
                Check(Profiles.ContainsKey(p.Id), $"remove of unknown profile {p.Id}");
                Check(!Workloads.Values.Any(w => w.ProfileIds.Contains(p.Id)) && !Hosts.Values.Any(h => h.ProfileIds.Contains(p.Id)), $"profile {p.Id} removed while an endpoint references it");
                Profiles.Remove(p.Id);
                break;
            case WorkloadEndpointUpdate w:
                CheckReferences(w.Tiers, w.ProfileIds, $"workload {w.Id}");
                Workloads[w.Id] = w;
                break;
            case WorkloadEndpointRemove w:
                Check(Workloads.Remove(w.Id), $"remove of unknown workload {w.Id}");
                break;
            case HostEndpointUpdate h:
                CheckReferences([.. h.Tiers, .. h.UntrackedTiers, .. h.PreDnatTiers], h.ProfileIds, $"host endpoint {h.Id}");
                Hosts[h.Id] = h;
                break;
            case HostEndpointRemove h:
                Check(Hosts.Remove(h.Id), $"remove of unknown host endpoint {h.Id}");
                break;
            case RouteUpdate r:
                Routes[r.Destination.ToString()] = r;
                break;
            case RouteRemove r:
                Check(Routes.Remove(r.Destination.ToString()), $"remove of unknown route {r.Destination}");
                break;
            case IPPoolUpdate p:
                Pools[p.Id] = p;
                break;
            case IPPoolRemove p:
                Check(Pools.Remove(p.Id), $"remove of unknown pool {p.Id}");
                break;
            case ConfigUpdate c:
                Config = c;
                break;
            case Messages.InSync:
                Check(!InSync, "second InSync");
                InSync = true;
                break;
            default:
                throw new InvalidOperationException($"unexpected message {message}");
        }
    }

    public HashSet<IPSetMember> Members(string setId) => IPSets.TryGetValue(setId, out var set) ? set.Members : throw new KeyNotFoundException($"no IP set {setId}");

    /// <summary>Canonical text of the whole state (sorted), for comparing two models.</summary>
    public string Dump()
    {
        var lines = new List<string>();
        lines.AddRange(IPSets.Select(s => $"ipset {s.Key} {s.Value.Type} [{string.Join(", ", s.Value.Members.Select(m => m.ToString()).Order(StringComparer.Ordinal))}]"));
        lines.AddRange(Policies.Values.Select(p => $"policy {p}"));
        lines.AddRange(Profiles.Values.Select(p => $"profile {p}"));
        lines.AddRange(Workloads.Values.Select(w => $"workload {w}"));
        lines.AddRange(Hosts.Values.Select(h => $"host {h} untracked {h.UntrackedTiers} prednat {h.PreDnatTiers}"));
        lines.AddRange(Routes.Values.Select(r => $"route {r}"));
        lines.AddRange(Pools.Values.Select(p => $"pool {p}"));
        lines.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var line in lines) text.AppendLine(line);
        text.AppendLine($"config {(Config is null ? "none" : Config == ConfigUpdate.Default ? "default" : "custom")}");
        return text.ToString();
    }

    private IEnumerable<TierInfo> Tiers() =>
        Workloads.Values.SelectMany(w => w.Tiers).Concat(Hosts.Values.SelectMany(h => h.Tiers.Concat(h.UntrackedTiers).Concat(h.PreDnatTiers)));

    private HashSet<string> SetsInUse()
    {
        var rules = Policies.Values.SelectMany(p => p.InboundRules.Concat(p.OutboundRules))
            .Concat(Profiles.Values.SelectMany(p => p.InboundRules.Concat(p.OutboundRules)));
        return [.. rules.SelectMany(SetIds)];
    }

    private void CheckSets(IEnumerable<Rule> rules, string what)
    {
        foreach (var id in rules.SelectMany(SetIds)) Check(IPSets.ContainsKey(id), $"{what} references IP set {id} before it was sent");
    }

    private void CheckReferences(IEnumerable<TierInfo> tiers, IEnumerable<string> profiles, string what)
    {
        foreach (var tier in tiers)
        {
            Check(tier.IngressPolicies.Count + tier.EgressPolicies.Count > 0, $"{what} has empty tier {tier.Name}");
            foreach (var id in tier.IngressPolicies.Concat(tier.EgressPolicies)) Check(Policies.ContainsKey(id), $"{what} references policy {id} before it was sent");
        }
        foreach (var id in profiles) Check(Profiles.ContainsKey(id), $"{what} references profile {id} before it was sent");
    }

    private static IEnumerable<string> SetIds(Rule rule) =>
        rule.SrcIPSetIds.Concat(rule.NotSrcIPSetIds).Concat(rule.DstIPSetIds).Concat(rule.NotDstIPSetIds)
            .Concat(rule.SrcNamedPortIPSetIds).Concat(rule.NotSrcNamedPortIPSetIds).Concat(rule.DstNamedPortIPSetIds).Concat(rule.NotDstNamedPortIPSetIds);

    private static void Check(bool condition, string violation)
    {
        if (!condition) throw new InvalidOperationException("dataplane contract violated: " + violation);
    }
}
