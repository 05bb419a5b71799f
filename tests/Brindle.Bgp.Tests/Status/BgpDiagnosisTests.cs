using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status.Tests;

public sealed class BgpDiagnosisTests
{
    private static BgpPeerStatus Peer(string bgpState, string info, string? lastError = null, string state = "start") =>
        new("Mesh_192_0_2_2", IPAddress.Parse("192.0.2.2"), BgpPeerType.NodeToNodeMesh, state, bgpState, "2026-01-01 00:00:00", info, lastError, 64512, 64512);

    [Theory]
    [InlineData("Idle", "Idle BGP Error: Bad peer AS", "BGP Error: Bad peer AS", "AS number mismatch")]
    [InlineData("Idle", "Idle Received: Bad peer AS", "Received: Bad peer AS", "AS number mismatch")]
    [InlineData("Active", "Active Socket: Connection refused", "Socket: Connection refused", "Peer not listening")]
    [InlineData("Active", "Active Socket: Network is unreachable", "Socket: Network is unreachable", "No route to peer")]
    [InlineData("Active", "Active Socket: No route to host", null, "No route to peer")]
    [InlineData("Idle", "Idle BGP Error: Hold timer expired", "BGP Error: Hold timer expired", "Hold timer expired")]
    [InlineData("Idle", "Idle Received: Administrative shutdown", null, "The peer closed the session")]
    [InlineData("Connect", "Connect", null, "No answer from 192.0.2.2")]
    [InlineData("Passive", "Passive", null, "Waiting for 192.0.2.2 to connect")]
    public void Explain_BirdError_PlainReason(string bgpState, string info, string? lastError, string expectedStart) =>
        Assert.StartsWith(expectedStart, BgpDiagnosis.Explain(Peer(bgpState, info, lastError), BgpDiagnosisContext.None));

    [Fact]
    public void Explain_Established_Null() =>
        Assert.Null(BgpDiagnosis.Explain(Peer("Established", "Established", state: "up"), BgpDiagnosisContext.None));

    [Fact]
    public void Explain_NoAnswerWithPassword_MentionsPasswordMismatch()
    {
        var withPassword = BgpDiagnosis.Explain(Peer("Active", "Active Socket: Connection timed out"), new BgpDiagnosisContext(PasswordConfigured: true));
        var without = BgpDiagnosis.Explain(Peer("Active", "Active Socket: Connection timed out"), BgpDiagnosisContext.None);

        Assert.Contains("password", withPassword, StringComparison.Ordinal);
        Assert.DoesNotContain("password", without, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ConnectionRefused_QuotesListenPort() =>
        Assert.Contains("port 1790", BgpDiagnosis.Explain(Peer("Active", "Active Socket: Connection refused"), new BgpDiagnosisContext(ListenPort: 1790)));
}
