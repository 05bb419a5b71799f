using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// Rules the dataplane cannot render (L7 <c>http</c>, <c>services</c>) fail closed on the node: an Allow with them never
/// matches, a Deny/Pass with them denies without them. Simulation models the same, so both agree.
/// </summary>
public sealed class L7AgreementTests
{
    [AgreementFact]
    public async Task HttpAllowAndServicesDeny_FailClosed_SimulationAgrees()
    {
        var scenario = FromYaml("l7", string.Concat(
            Namespace("l", "{team: l}"),
            Pod("l", "a", "10.69.2.1", "{app: web}"),
            Pod("l", "b", "10.69.2.2", "{app: dns}"),
            Pod("l", "c", "10.69.2.3", "{app: cli}")), """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: http-only, namespace: l}
            spec:
              selector: app == 'web'
              ingress:
              - action: Allow
                protocol: TCP
                http: {methods: [GET]}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: deny-from-service, namespace: l}
            spec:
              selector: app == 'dns'
              ingress:
              - action: Deny
                protocol: UDP
                source: {services: {name: resolver, namespace: l}}
              - action: Allow
            """);
        await using var harness = await AgreementHarness.CreateAsync(scenario);

        var report = await harness.CompareAsync();

        report.AssertAgreement();
        Assert.False(report.Real(PodId("l/c"), PodId("l/a"), ProbeKind.Tcp, 80));
        Assert.True(report.Real(PodId("l/c"), PodId("l/b"), ProbeKind.Tcp, 80));
        Assert.False(report.Real(PodId("l/c"), PodId("l/b"), ProbeKind.Udp));
    }
}
