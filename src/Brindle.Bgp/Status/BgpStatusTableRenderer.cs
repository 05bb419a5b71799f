using System.Text;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status;

/// <summary>Renders the calicoctl-style BGP peer table of <c>brindle node status</c>, with reasons for sessions that are down.</summary>
/// <remarks>Output is a pure function of the statuses (sorted by peer type, then address); no trailing spaces.</remarks>
public static class BgpStatusTableRenderer
{
    private static readonly string[] Headers = ["PEER ADDRESS", "PEER TYPE", "STATE", "SINCE", "INFO"];

    public static string Render(IReadOnlyList<BgpPeerStatus> peers, Func<BgpPeerStatus, BgpDiagnosisContext>? context = null)
    {
        context ??= _ => BgpDiagnosisContext.None;
        var ordered = peers.OrderBy(p => p.Type).ThenBy(p => p.PeerAddress, Config.AddressComparer.Instance).ThenBy(p => p.ProtocolName, StringComparer.Ordinal).ToList();
        var rows = ordered.Select(p => new[] { p.PeerAddress?.ToString() ?? p.ProtocolName, TypeName(p.Type), p.State, p.Since, p.Info }).ToList();
        var widths = Headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        var text = new StringBuilder();
        var separator = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+";
        text.Append("IPv4/IPv6 BGP status\n").Append(separator).Append('\n');
        text.Append(Row(Headers, widths)).Append(separator).Append('\n');
        foreach (var row in rows) text.Append(Row(row, widths));
        text.Append(separator).Append('\n');

        var problems = ordered.Select(p => (Peer: p, Reason: BgpDiagnosis.Explain(p, context(p)))).Where(x => x.Reason is not null).ToList();
        if (problems.Count > 0)
        {
            text.Append('\n');
            foreach (var (peer, reason) in problems)
                text.Append(peer.PeerAddress?.ToString() ?? peer.ProtocolName).Append(": ").Append(reason).Append('\n');
        }
        return text.ToString();
    }

    public static string TypeName(BgpPeerType type) => type switch
    {
        BgpPeerType.NodeToNodeMesh => "node-to-node mesh",
        BgpPeerType.Global => "global",
        _ => "node specific",
    };

    private static string Row(IReadOnlyList<string> cells, int[] widths) =>
        "|" + string.Concat(cells.Select((c, i) => " " + c.PadRight(widths[i]) + " |")) + "\n";
}
