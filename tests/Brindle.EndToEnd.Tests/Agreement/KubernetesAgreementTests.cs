using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// The Kubernetes network-policy e2e cases (namespaces x, y, z; pods a, b, c) as Calico policies: the node's real
/// nftables verdicts must equal <c>policy simulate</c>'s for every pair and probe. Each test also pins a few cells of
/// the truth table, so a dataplane and evaluator that were wrong the same way would still fail.
/// </summary>
public sealed class KubernetesAgreementTests
{
    /// <summary>x: a, b, c; y: a, b; z: a, b (7 workloads, 168 probes).</summary>
    internal static readonly string Cluster = string.Concat(
        Namespace("x", "{ns: x}"), Namespace("y", "{ns: y}"), Namespace("z", "{ns: z}"),
        Pod("x", "a", "10.65.1.1", "{pod: a}"), Pod("x", "b", "10.65.1.2", "{pod: b}"), Pod("x", "c", "10.65.1.3", "{pod: c}"),
        Pod("y", "a", "10.65.2.1", "{pod: a}"), Pod("y", "b", "10.65.2.2", "{pod: b}"),
        Pod("z", "a", "10.65.3.1", "{pod: a}"), Pod("z", "b", "10.65.3.2", "{pod: b}"));

    /// <summary>Ingress to every pod of x denied (a policy with no rules).</summary>
    internal const string DefaultDenyX = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: x}
        spec:
          selector: all()
          types: [Ingress]
        ---

        """;

    private static async Task<AgreementReport> RunAsync(string name, string policies)
    {
        await using var harness = await AgreementHarness.CreateAsync(FromYaml(name, Cluster, policies));
        var report = await harness.CompareAsync();
        report.AssertAgreement();
        return report;
    }

    private static bool Real(AgreementReport report, string from, string to, ProbeKind kind, int? port = null) =>
        report.Real(PodId(from), PodId(to), kind, port);

    [AgreementFact]
    public async Task NoPolicy_EveryPodOpen_Agrees()
    {
        var report = await RunAsync("k8s-no-policy", "");
        Assert.Equal(0, report.Denied);
    }

    [AgreementFact]
    public async Task DefaultDenyIngress_NamespaceX_Agrees()
    {
        var report = await RunAsync("k8s-default-deny", DefaultDenyX);
        Assert.False(Real(report, "y/a", "x/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "x/b", "x/a", ProbeKind.Icmp));
        Assert.True(Real(report, "x/a", "y/a", ProbeKind.Udp));
    }

    [AgreementFact]
    public async Task AllowFromNamespace_OnlyY_Agrees()
    {
        var report = await RunAsync("k8s-allow-from-namespace", DefaultDenyX + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: allow-from-y, namespace: x}
            spec:
              selector: all()
              ingress:
              - action: Allow
                source:
                  namespaceSelector: ns == 'y'
            """);
        Assert.True(Real(report, "y/b", "x/c", ProbeKind.Tcp, 8080));
        Assert.False(Real(report, "z/a", "x/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "x/b", "x/a", ProbeKind.Udp));
    }

    [AgreementFact]
    public async Task AllowFromPodLabel_SameNamespaceOnly_Agrees()
    {
        var report = await RunAsync("k8s-allow-from-pod-label", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: allow-b-to-a, namespace: x}
            spec:
              selector: pod == 'a'
              ingress:
              - action: Allow
                source:
                  selector: pod == 'b'
            """);
        Assert.True(Real(report, "x/b", "x/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "y/b", "x/a", ProbeKind.Tcp, 80));   // selector scoped to x
        Assert.False(Real(report, "x/c", "x/a", ProbeKind.Icmp));
        Assert.True(Real(report, "x/c", "x/b", ProbeKind.Icmp));      // x/b has no policy
    }

    [AgreementFact]
    public async Task PortSpecificAllow_Tcp80Only_Agrees()
    {
        var report = await RunAsync("k8s-port-specific", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: allow-80, namespace: x}
            spec:
              selector: pod == 'a'
              ingress:
              - action: Allow
                protocol: TCP
                source:
                  namespaceSelector: all()
                destination:
                  ports: [80]
            """);
        Assert.True(Real(report, "z/b", "x/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "z/b", "x/a", ProbeKind.Tcp, 8080));
        Assert.False(Real(report, "x/b", "x/a", ProbeKind.Udp));
    }

    [AgreementFact]
    public async Task EgressDeny_NamespaceX_Agrees()
    {
        var report = await RunAsync("k8s-egress-deny", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: deny-egress, namespace: x}
            spec:
              selector: all()
              types: [Egress]
            """);
        Assert.False(Real(report, "x/a", "y/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "x/a", "x/b", ProbeKind.Icmp));
        Assert.True(Real(report, "y/a", "x/a", ProbeKind.Tcp, 80));    // replies ride conntrack
    }

    [AgreementFact]
    public async Task Combined_IngressEgressPortsAndProtocols_Agrees()
    {
        var report = await RunAsync("k8s-combined", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: web, namespace: x}
            spec:
              selector: pod == 'a'
              ingress:
              - action: Allow
                protocol: TCP
                source:
                  namespaceSelector: ns == 'y'
                  selector: pod == 'b'
                destination:
                  ports: [80]
              - action: Allow
                protocol: UDP
                source:
                  selector: pod == 'b'
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: dns-only, namespace: z}
            spec:
              selector: all()
              types: [Egress]
              egress:
              - action: Allow
                protocol: UDP
                destination:
                  ports: [5353]
              - action: Allow
                protocol: ICMP
                destination:
                  namespaceSelector: ns == 'y'
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: no-ping, namespace: y}
            spec:
              selector: all()
              types: [Ingress]
              ingress:
              - action: Deny
                protocol: ICMP
              - action: Allow
            """);
        Assert.True(Real(report, "y/b", "x/a", ProbeKind.Tcp, 80));
        Assert.False(Real(report, "y/a", "x/a", ProbeKind.Tcp, 80));
        Assert.True(Real(report, "x/b", "x/a", ProbeKind.Udp));
        Assert.False(Real(report, "z/a", "y/a", ProbeKind.Icmp));       // z may ping y, y refuses ping
        Assert.True(Real(report, "z/a", "x/b", ProbeKind.Udp));
        Assert.False(Real(report, "z/a", "x/b", ProbeKind.Tcp, 80));
    }
}
