using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brindle.Lab.TestBed;
using Brindle.Platform;
using Brindle.Policy;

namespace Brindle.Lab;

/// <summary>One probe and what really happened.</summary>
public sealed record LabProbeResult(PolicyProbe Probe, bool Allowed);

/// <summary>
/// Runs probes for real: each from inside the source workload's namespace (TCP connect, UDP request/reply, ICMP
/// echo) to the destination. For the duration of the check, every destination workload answers on every probed
/// TCP and UDP port (echo listeners opened inside its namespace by this process). All probes run in parallel with
/// short timeouts; a probe that gets no answer in time is a Deny.
/// </summary>
public sealed class LabChecker(LabState state, ICommandRunner runner)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>Checks every probe; errors (unknown source, source not a lab workload) are returned instead of results.</summary>
    public async Task<(IReadOnlyList<LabProbeResult> Results, IReadOnlyList<string> Errors)> RunAsync(IReadOnlyList<PolicyProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var errors = new List<string>();
        var resolved = new List<(PolicyProbe Probe, LabWorkload Source, IPAddress Destination, LabWorkload? Target)>();
        foreach (var probe in probes)
        {
            var source = Find(probe.Source);
            if (source is null) { errors.Add($"probe {probe.Source} -> {probe.Destination}: the source must be a lab workload (namespace/name or its address)"); continue; }
            var target = Find(probe.Destination);
            var address = target is not null ? IPAddress.Parse(target.Address) : IPAddress.TryParse(probe.Destination, out var a) ? a : null;
            if (address is null) { errors.Add($"probe {probe.Source} -> {probe.Destination}: the destination is neither a lab workload nor an IP address"); continue; }
            resolved.Add((probe, source, address, target));
        }
        if (errors.Count > 0) return ([], errors);

        var listeners = new List<TestListener>();
        try
        {
            foreach (var (target, protocol, port) in resolved
                .Where(r => r.Target is not null && r.Probe.DestinationPort is not null && r.Probe.Protocol is 6 or 17)
                .Select(r => (r.Target!, r.Probe.Protocol, r.Probe.DestinationPort!.Value)).Distinct())
            {
                try
                {
                    listeners.Add(new TestListener(Namespace(target), protocol == 6 ? ProtocolType.Tcp : ProtocolType.Udp, port));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    // Something in the workload already answers on this port (another check running); use it.
                }
            }
            var outcomes = await Task.WhenAll(resolved.Select(r => ProbeAsync(r.Probe, r.Source, r.Destination)));
            return ([.. resolved.Zip(outcomes, (r, allowed) => new LabProbeResult(r.Probe, allowed))], []);
        }
        finally
        {
            foreach (var listener in listeners) await listener.DisposeAsync();
        }
    }

    /// <summary>Probes of the demo matrix: every ordered pair of workloads, TCP on <see cref="LabDemo.Ports"/> and ICMP echo.</summary>
    public IReadOnlyList<PolicyProbe> MatrixProbes() =>
    [
        .. from s in state.Workloads
           from d in state.Workloads
           where s != d
           from service in LabDemo.Ports.Select(p => (Protocol: 6, Port: (int?)p)).Append((Protocol: 1, Port: null))
           select new PolicyProbe(Id(s), Id(d), service.Protocol, service.Port, service.Protocol == 1 ? 8 : null, service.Protocol == 1 ? 0 : null),
    ];

    /// <summary>One table per service: rows are clients, columns servers; <c>.</c> allowed, <c>X</c> denied.</summary>
    public static string RenderMatrix(IReadOnlyList<LabProbeResult> results)
    {
        var text = new StringBuilder();
        var names = results.SelectMany(r => new[] { r.Probe.Source, r.Probe.Destination }).Distinct().ToList();
        var first = Math.Max(names.Max(n => n.Length), "from \\ to".Length) + 2;
        var width = names.Max(n => n.Length) + 2;
        foreach (var group in results.GroupBy(r => (r.Probe.Protocol, r.Probe.DestinationPort)))
        {
            var service = ProtocolNames.Format(group.Key.Protocol) + (group.Key.DestinationPort is { } p ? $"/{p}" : " echo");
            text.Append(service).Append(": rows = client (source), columns = server (destination); . allowed, X denied\n");
            text.Append("from \\ to".PadRight(first)).AppendJoin("", names.Select(n => n.PadRight(width))).Append('\n');
            var allowed = group.ToDictionary(r => (r.Probe.Source, r.Probe.Destination), r => r.Allowed);
            foreach (var s in names)
            {
                text.Append(s.PadRight(first));
                foreach (var d in names) text.Append((s == d ? "-" : allowed.TryGetValue((s, d), out var ok) ? ok ? "." : "X" : "?").PadRight(width));
                text.Append('\n');
            }
            text.Append('\n');
        }
        return string.Join('\n', text.ToString().Split('\n').Select(line => line.TrimEnd(' ')));
    }

    /// <summary>The JSON array of <c>brindle policy simulate -o json</c>, with <c>verdict</c> being what happened (no per-side detail: packets do not say which rule decided).</summary>
    public static string ToJson(IReadOnlyList<LabProbeResult> results)
    {
        var array = new JsonArray();
        foreach (var (probe, allowed) in results)
        {
            var o = new JsonObject { ["src"] = probe.Source, ["dst"] = probe.Destination, ["protocol"] = ProtocolNames.Format(probe.Protocol) };
            if (probe.DestinationPort is { } port) o["dstPort"] = port;
            if (probe.IcmpType is { } type) o["icmpType"] = type;
            if (probe.IcmpCode is { } code) o["icmpCode"] = code;
            o["verdict"] = allowed ? "Allow" : "Deny";
            array.Add(o);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private async Task<bool> ProbeAsync(PolicyProbe probe, LabWorkload source, IPAddress destination)
    {
        var from = Namespace(source);
        return probe.Protocol switch
        {
            6 => await Probe.TcpAsync(from, destination, probe.DestinationPort!.Value, ProbeTimeout),
            17 => await Probe.UdpAsync(from, destination, probe.DestinationPort!.Value, ProbeTimeout),
            1 or 58 => await Probe.PingAsync(from, destination, runner),
            _ => throw new LabException($"probe {probe.Source} -> {probe.Destination}: lab check can send TCP, UDP and ICMP, not {ProtocolNames.Format(probe.Protocol)}"),
        };
    }

    private LabWorkload? Find(string text) =>
        state.Workloads.FirstOrDefault(w => Id(w) == text || w.Address == text);

    private static string Id(LabWorkload w) => $"{w.Namespace}/{w.Name}";

    private static TestNode Namespace(LabWorkload w) => new(w.Name, w.NetworkNamespace);
}
