namespace Brindle.Bgp.Status;

/// <summary>Explains in plain words why a BGP session is not Established, from BIRD's state and last error.</summary>
/// <remarks>
/// The rules read BIRD 2's texts: <c>Socket: Connection refused</c>, <c>Socket: Network is unreachable</c>,
/// <c>Socket: No route to host</c>, <c>Socket: Connection timed out</c>, <c>Error: Bad peer AS</c> /
/// <c>Received: Bad peer AS</c>, <c>Error: Hold timer expired</c>, <c>Received: Administrative shutdown</c>, …
/// The first rule that matches wins; unknown errors are quoted. Pure.
/// </remarks>
public static class BgpDiagnosis
{
    /// <summary>A sentence for a session that is not Established; null when it is.</summary>
    public static string? Explain(BgpPeerStatus status, BgpDiagnosisContext context)
    {
        if (status.IsEstablished) return null;
        var peer = status.PeerAddress?.ToString() ?? status.ProtocolName;
        var port = context.ListenPort ?? 179;
        var evidence = string.Join(" ", new[] { status.Info, status.LastError }.Where(s => !string.IsNullOrWhiteSpace(s)));

        if (Has(evidence, "Bad peer AS"))
            return $"AS number mismatch: {peer} answers with a different AS than the {status.NeighborAs?.ToString() ?? "configured"} we expect (or it expects a different AS from us, AS {status.LocalAs?.ToString() ?? "?"}). Check asNumber on the Node, BGPConfiguration and BGPPeer.";
        if (Has(evidence, "Connection refused"))
            return $"Peer not listening: {peer} refused the TCP connection to port {port}. BIRD is not running there, or it listens on another port, or it has no session configured for us.";
        if (Has(evidence, "Network is unreachable") || Has(evidence, "No route to host"))
            return $"No route to peer: this node has no route to {peer} (or nobody answers ARP for it). Check the node's address and the underlay network.";
        if (Has(evidence, "Authentication") || Has(evidence, "MD5"))
            return $"Password mismatch: the TCP MD5 signature for {peer} is wrong. Set the same BGP password on both sides.";
        if (Has(evidence, "Hold timer expired"))
            return $"Hold timer expired: {peer} stopped sending keepalives. The link dropped packets, the peer is overloaded, or a firewall cuts the session.";
        if (Has(evidence, "Bad BGP identifier") || Has(evidence, "router ID"))
            return $"Router ID clash: {peer} uses the same router ID as this node. Give each node a distinct IPv4 address.";
        if (Has(evidence, "Administrative shutdown") || Has(evidence, "Connection rejected") || Has(evidence, "Administrative reset"))
            return $"The peer closed the session: {peer} shut it down or rejected it (it may not have us configured as a neighbor).";
        var password = context.PasswordConfigured
            ? " A BGP password is set on this session: if the peer has a different password or none, TCP MD5 makes the kernel drop the packets silently, which looks exactly like this."
            : "";
        if (Has(evidence, "timed out") || status.BgpState is "Connect" or "Active" or "OpenSent")
            return $"No answer from {peer}: the TCP connection to port {port} does not complete. A firewall drops BGP, or the peer is down.{password}";
        if (status.BgpState == "Passive")
            return $"Waiting for {peer} to connect (this side is passive in the one-directional mesh). The peer's BIRD may not be running or may lack this node in its configuration.{password}";
        if (status.State == "down")
            return $"The session to {peer} is disabled or was shut down on this node.";
        return string.IsNullOrWhiteSpace(evidence)
            ? $"The session to {peer} is in state {status.BgpState}."
            : $"The session to {peer} is in state {status.BgpState}: {evidence}.";
    }

    private static bool Has(string text, string fragment) => text.Contains(fragment, StringComparison.OrdinalIgnoreCase);
}
