namespace Brindle.Bgp.Status;

/// <summary>What this node knows about a session beyond BIRD's output, to make a diagnosis sharper.</summary>
/// <param name="PasswordConfigured">A TCP MD5 password is set for this session on our side.</param>
/// <param name="ListenPort">The BGP port we expect the peer to listen on (179 when null).</param>
public sealed record BgpDiagnosisContext(bool PasswordConfigured = false, int? ListenPort = null)
{
    public static BgpDiagnosisContext None { get; } = new();
}
