using System.Text.RegularExpressions;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Nftables;
using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// A restarted agent (fresh calculation graph, fresh dataplane, same resources) adopts the kernel state without
/// writing anything; a rule deleted by hand changes real verdicts until a resync puts it back.
/// </summary>
public sealed partial class RestartAgreementTests
{
    [AgreementFact]
    public async Task Restart_SameResources_NoWritesAndProbesStillAgree()
    {
        await using var harness = await AgreementHarness.CreateAsync(TierAgreementTests.Scenario());
        (await harness.CompareAsync()).AssertAgreement();
        Assert.NotEmpty(harness.Runner.Writes);   // the first start did program the node

        harness.Runner.Clear();
        var report = await harness.ProgramAsync(harness.RestartedDataplane());

        Assert.Empty(harness.Runner.Writes.Select(c => $"{c.FileName} {string.Join(' ', c.Arguments)}\n{c.StandardInput}"));
        Assert.Equal(0, report.ChangedObjects);
        Assert.NotEmpty(harness.Runner.Commands);  // it did read the kernel
        (await harness.CompareAsync()).AssertAgreement();
    }

    [AgreementFact]
    public async Task RuleDeletedByHand_ProbesDisagree_ResyncRestoresAgreement()
    {
        await using var harness = await AgreementHarness.CreateAsync(TierAgreementTests.Scenario());
        (await harness.CompareAsync()).AssertAgreement();
        var chain = NftNames.Policy(new PolicyId("security", "security.guard-db"), inbound: true);
        var listing = await harness.NftAsync("-a", "list", "chain", "inet", "brindle", chain);
        Assert.True(listing.Succeeded, listing.StandardError);
        var handle = PortRangeRuleHandle().Match(listing.StandardOutput);
        Assert.True(handle.Success, $"no 80-8080 accept rule in {chain}:\n{listing.StandardOutput}");

        var delete = await harness.NftAsync("delete", "rule", "inet", "brindle", chain, "handle", handle.Groups[1].Value);
        Assert.True(delete.Succeeded, delete.StandardError);
        var drifted = await harness.CompareAsync();

        // Only the admin's TCP to the database went through that rule.
        Assert.NotEmpty(drifted.Mismatches);
        Assert.All(drifted.Mismatches, m =>
        {
            Assert.Equal(PodId("u/c"), m.Probe.FromPeer.Endpoint!.Id);
            Assert.Equal(PodId("t/a"), m.Probe.ToPeer.Endpoint!.Id);
            Assert.Equal(ProbeKind.Tcp, m.Probe.Kind);
        });

        Assert.Contains("policy security.guard-db, rule 3 (Allow)", drifted.MismatchTable(), StringComparison.Ordinal);

        var repair = await harness.Dataplane.ResyncAsync();
        Assert.True(repair.Changed);
        (await harness.CompareAsync()).AssertAgreement();
    }

    [GeneratedRegex(@"dport 80-8080 .*accept.*# handle (\d+)")]
    private static partial Regex PortRangeRuleHandle();
}
