using System.Globalization;
using System.Text;
using Brindle.Cli.Output;
using Brindle.Lab;

namespace Brindle.Cli.Commands;

/// <summary>The tables and texts <c>brindle lab</c> prints (pure).</summary>
internal static class LabTables
{
    public static string Nodes(IReadOnlyList<LabNodeStatus> nodes) =>
        "NODES\n" + TableRenderer.Render(["NODE", "NAMESPACE", "UNDERLAY IP", "AS", "AGENT"],
            nodes.Select(n => (IReadOnlyList<string>)[n.Name, n.Namespace, n.Address, n.AsNumber.ToString(CultureInfo.InvariantCulture), n.Agent]));

    public static string Sessions(IReadOnlyList<LabNodeStatus> nodes)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var node in nodes)
        {
            if (node.BgpProblem is { } problem) rows.Add([node.Name, "-", "-", "-", problem]);
            foreach (var s in node.Sessions) rows.Add([node.Name, s.PeerAddress?.ToString() ?? s.ProtocolName, s.State, s.BgpState, s.Since + (s.LastError is { } e ? $" ({e})" : "")]);
        }
        return "BGP SESSIONS\n" + TableRenderer.Render(["NODE", "PEER", "STATE", "BGP STATE", "SINCE / INFO"], rows);
    }

    public static string Workloads(LabState state) =>
        "WORKLOADS\n" + TableRenderer.Render(["WORKLOAD", "NODE", "INTERFACE", "ADDRESS", "MAC", "NETNS"],
            state.Workloads.Select(w => (IReadOnlyList<string>)[$"{w.Namespace}/{w.Name}", w.Node, w.InterfaceName, w.Address, w.Mac, w.NetworkNamespace]));

    /// <summary>What was built and how to look at it.</summary>
    public static string Summary(LabState state)
    {
        var layout = new LabLayout(state.ToOptions());
        var o = layout.Options;
        var name = o.Name == LabOptions.DefaultName ? "" : $" --name {o.Name}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  nodes:     {string.Join(", ", Enumerable.Range(1, o.Nodes).Select(k => $"{layout.NodeName(k)} {layout.NodeAddress(k)}"))}\n");
        text.Append(CultureInfo.InvariantCulture, $"  datastore: {(o.Datastore == LabDatastore.Etcd ? $"etcd {layout.EtcdEndpoints} (inside {layout.FabricNamespace})" : $"embedded {layout.DatabasePath}")}\n");
        text.Append(CultureInfo.InvariantCulture, $"  pool:      {o.Pool}    underlay: {o.Underlay} (bridge br0 in {layout.FabricNamespace})\n");
        if (state.Workloads.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $"  workloads: {string.Join(", ", state.Workloads.Select(w => $"{w.Namespace}/{w.Name} {w.Address} ({w.Node})"))}\n");
        text.Append("Look at it:\n");
        text.Append(CultureInfo.InvariantCulture, $"  sudo ./brindle lab status{name}          # nodes, agents, BGP sessions, workloads\n");
        text.Append(CultureInfo.InvariantCulture, $"  sudo ./brindle lab check{name}           # real TCP/ICMP between every pair of workloads\n");
        var env = o.Datastore == LabDatastore.Etcd ? $"sudo ip netns exec {layout.FabricNamespace} env DATASTORE_TYPE=etcdv3 ETCD_ENDPOINTS={layout.EtcdEndpoints}" : $"sudo env DATASTORE_PATH={layout.DatabasePath}";
        text.Append(CultureInfo.InvariantCulture, $"  {env} ./brindle get wep -A -o wide\n");
        text.Append(CultureInfo.InvariantCulture, $"  sudo ip netns exec {layout.NodeName(1)} ip route                # routes learned over BGP\n");
        text.Append(CultureInfo.InvariantCulture, $"  sudo ip netns exec {layout.NodeName(1)} nft list ruleset         # policy as nftables\n");
        text.Append(CultureInfo.InvariantCulture, $"  sudo ./brindle lab down{name}            # remove everything\n");
        return text.ToString();
    }

    /// <summary>A WorkloadEndpoint manifest for <c>lab workload add</c>.</summary>
    public static string EndpointYaml(string ns, string name, string node, string? ip, string? labels, string? interfaceName)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\nmetadata:\n");
        text.Append(CultureInfo.InvariantCulture, $"  name: {Quote(name)}\n  namespace: {Quote(ns)}\n");
        var pairs = (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (pairs.Count > 0)
        {
            text.Append("  labels:\n");
            foreach (var pair in pairs)
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new UserErrorException($"--labels: '{pair}' is not key=value");
                text.Append(CultureInfo.InvariantCulture, $"    {Quote(pair[..eq])}: {Quote(pair[(eq + 1)..])}\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"spec:\n  orchestrator: k8s\n  workload: {Quote(name)}\n  endpoint: {Quote(name)}\n  node: {Quote(node)}\n");
        if (ip is not null) text.Append(CultureInfo.InvariantCulture, $"  ipNetworks:\n  - {Quote(ip.Contains('/', StringComparison.Ordinal) ? ip : ip + "/32")}\n");
        if (interfaceName is not null) text.Append(CultureInfo.InvariantCulture, $"  interfaceName: {Quote(interfaceName)}\n");
        return text.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
