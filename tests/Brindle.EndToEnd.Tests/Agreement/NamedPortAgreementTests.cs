using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>Named ports: a rule's <c>ports: [http]</c> means each destination endpoint's own port of that name and protocol.</summary>
public sealed class NamedPortAgreementTests
{
    [AgreementFact]
    public async Task NamedPorts_PerEndpointNumbers_Agree()
    {
        var scenario = FromYaml("named-ports", string.Concat(
            Namespace("n", "{team: n}"),
            Pod("n", "a", "10.69.1.1", "{app: srv}", ports: "[{name: http, protocol: TCP, port: 8080}, {name: dns, protocol: UDP, port: 5353}]"),
            Pod("n", "b", "10.69.1.2", "{app: srv}", ports: "[{name: http, protocol: TCP, port: 80}]"),
            Pod("n", "c", "10.69.1.3", "{app: cli}")), """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: named, namespace: n}
            spec:
              selector: app == 'srv'
              ingress:
              - action: Allow
                protocol: TCP
                destination: {ports: [http]}
              - action: Allow
                protocol: UDP
                destination: {ports: [dns, 7]}
            """);
        await using var harness = await AgreementHarness.CreateAsync(scenario);

        var report = await harness.CompareAsync();

        report.AssertAgreement();
        Assert.True(report.Real(PodId("n/c"), PodId("n/a"), ProbeKind.Tcp, 8080));
        Assert.False(report.Real(PodId("n/c"), PodId("n/a"), ProbeKind.Tcp, 80));
        Assert.True(report.Real(PodId("n/c"), PodId("n/b"), ProbeKind.Tcp, 80));
        Assert.False(report.Real(PodId("n/c"), PodId("n/b"), ProbeKind.Tcp, 8080));
        Assert.True(report.Real(PodId("n/c"), PodId("n/a"), ProbeKind.Udp));
        Assert.False(report.Real(PodId("n/c"), PodId("n/b"), ProbeKind.Udp));
    }
}
