using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// Live changes through the running graph and dataplane (what a watching agent does): after each step the real
/// verdicts equal the evaluator's for the new resources, and each step is at most one nftables transaction.
/// </summary>
public sealed class ChurnAgreementTests
{
    private const string AllowFromPodA = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-from-a, namespace: x}
        spec:
          selector: all()
          ingress:
          - action: Allow
            protocol: TCP
            source:
              namespaceSelector: all()
              selector: pod == 'a'
            destination:
              ports: ['8000:8080']
        ---

        """;

    [AgreementFact]
    public async Task PolicyAndLabelChanges_AppliedIncrementally_StillAgree()
    {
        var cluster = KubernetesAgreementTests.Cluster;
        await using var harness = await AgreementHarness.CreateAsync(FromYaml("churn-0-open", cluster));
        (await harness.CompareAsync()).AssertAgreement();
        var steps = new[]
        {
            FromYaml("churn-1-deny-x", cluster, KubernetesAgreementTests.DefaultDenyX),
            FromYaml("churn-2-allow-from-a", cluster, KubernetesAgreementTests.DefaultDenyX, AllowFromPodA),
            // y/b becomes a pod 'a': only its labels change (an IP set delta)
            FromYaml("churn-3-relabel-y-b", cluster.Replace("name: node1-k8s-b-eth0\n  namespace: y\n  labels: {pod: b}", "name: node1-k8s-b-eth0\n  namespace: y\n  labels: {pod: a}", StringComparison.Ordinal), KubernetesAgreementTests.DefaultDenyX, AllowFromPodA),
            FromYaml("churn-4-allow-only", cluster, AllowFromPodA),
            FromYaml("churn-5-open-again", cluster),
        };
        Assert.NotEqual(steps[2].Resources, steps[3].Resources);
        foreach (var step in steps)
        {
            harness.Runner.Clear();
            await harness.UpdateAsync(step);

            Assert.Single(harness.Runner.Writes, c => c.FileName == "nft");
            var report = await harness.CompareAsync();
            report.AssertAgreement();
        }
    }
}
