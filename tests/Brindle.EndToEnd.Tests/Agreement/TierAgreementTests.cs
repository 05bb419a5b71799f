using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// Tiers (a Pass-default tier, Pass rules, end-of-tier drop), Log, GlobalNetworkPolicies, a NetworkSet and a
/// GlobalNetworkSet holding workload addresses as sources, notSelector, port ranges and ICMP rules.
/// </summary>
public sealed class TierAgreementTests
{
    /// <summary>t: a (db), b (web, trusted), c (web); u: a (client), b (client, trusted), c (admin).</summary>
    private static readonly string Cluster = string.Concat(
        Namespace("t", "{team: t}"), Namespace("u", "{team: u}"),
        Pod("t", "a", "10.67.1.1", "{role: db}"), Pod("t", "b", "10.67.1.2", "{role: web, trust: 'yes'}"), Pod("t", "c", "10.67.1.3", "{role: web}"),
        Pod("u", "a", "10.67.2.1", "{role: client}"), Pod("u", "b", "10.67.2.2", "{role: client, trust: 'yes'}"), Pod("u", "c", "10.67.2.3", "{role: admin}"));

    private const string Tiers = """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: observe}
        spec: {order: 50, defaultAction: Pass}
        ---
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: platform}
        spec: {order: 200}
        ---

        """;

    private const string Sets = """
        apiVersion: projectcalico.org/v3
        kind: NetworkSet
        metadata: {name: trusted-clients, namespace: t, labels: {set: trusted}}
        spec:
          nets: [10.67.2.1/32]
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkSet
        metadata: {name: gset, labels: {kind: gset}}
        spec:
          nets: [10.67.1.2/32, 10.67.2.3/32]
        ---

        """;

    private const string Policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: observe.log-all}
        spec:
          tier: observe
          selector: all()
          types: [Ingress, Egress]
          ingress:
          - action: Log
          egress:
          - action: Log
          - action: Deny
            protocol: ICMP
            destination:
              selector: role == 'admin'
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: security.guard-db}
        spec:
          tier: security
          order: 10
          selector: role == 'db'
          ingress:
          - action: Log
          - action: Pass
            source:
              selector: trust == 'yes'
          - action: Allow
            protocol: ICMP
            icmp: {type: 8, code: 0}
            source:
              namespaceSelector: team == 'u'
          - action: Allow
            protocol: TCP
            source:
              selector: role == 'admin'
            destination:
              ports: ['80:8080']
          - action: Deny
            protocol: UDP
            source:
              notSelector: role == 'admin'
          - action: Pass
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: platform.db-clients, namespace: t}
        spec:
          tier: platform
          selector: role == 'db'
          ingress:
          - action: Allow
            protocol: TCP
            source:
              selector: set == 'trusted'
            destination:
              ports: [80]
          - action: Allow
            protocol: UDP
            source:
              namespaceSelector: global()
              selector: kind == 'gset'
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: platform.web-egress}
        spec:
          tier: platform
          order: 5
          selector: role == 'web'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination:
              ports: [80]
          - action: Allow
            protocol: UDP
            destination:
              notPorts: ['1:1024']
          - action: Allow
            protocol: ICMP
            icmp: {type: 8}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: isolate-clients, namespace: u}
        spec:
          selector: role == 'client'
          ingress:
          - action: Allow
            source:
              namespaceSelector: team == 't'
              notSelector: role == 'db'
        """;

    /// <summary>The whole scenario (also used by the restart and drift checks).</summary>
    internal static AgreementScenario Scenario() => FromYaml("tiers", Cluster, Tiers, Sets, Policies);

    [AgreementFact]
    public async Task TiersPassLogSetsNotSelectorRangesIcmp_Agrees()
    {
        await using var harness = await AgreementHarness.CreateAsync(Scenario());

        var report = await harness.CompareAsync();

        report.AssertAgreement();
        bool Real(string from, string to, ProbeKind kind, int? port = null) => report.Real(PodId(from), PodId(to), kind, port);
        Assert.True(Real("u/c", "t/a", ProbeKind.Tcp, 8080));   // admin, port range, security tier
        Assert.False(Real("t/c", "t/a", ProbeKind.Tcp, 8080));  // web egress 8080: platform end-of-tier drop
        Assert.True(Real("u/a", "t/a", ProbeKind.Tcp, 80));     // NetworkSet source, platform tier
        Assert.True(Real("t/b", "t/a", ProbeKind.Udp));         // trusted: Pass from security, GlobalNetworkSet source in platform
        Assert.False(Real("t/b", "t/a", ProbeKind.Icmp));       // trusted: Pass, but platform has no ICMP allow: end-of-tier drop
        Assert.False(Real("t/b", "u/c", ProbeKind.Icmp));       // ping to admin denied in the Pass-default tier
        Assert.True(Real("u/c", "t/a", ProbeKind.Udp));         // notSelector spares admin; Pass; GlobalNetworkSet source
        Assert.False(Real("u/a", "t/a", ProbeKind.Udp));        // notSelector denies the others
        Assert.False(Real("t/a", "u/a", ProbeKind.Tcp, 80));    // isolate-clients: notSelector excludes db
    }
}
