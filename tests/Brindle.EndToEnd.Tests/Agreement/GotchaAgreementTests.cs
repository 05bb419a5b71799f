using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// The details policy-semantics.md lists as commonly wrong, on real packets: notSelector-only rules still scoped to
/// the policy's namespace, a GlobalNetworkPolicy's namespaceSelector, types defaulting to Egress, notProtocol,
/// notPorts, notNets, ICMP type mismatches, ipVersion, OpenStack VMs (tap interfaces) with security-group profiles,
/// labelsToApply, and a missing profile after an allowing one.
/// </summary>
public sealed class GotchaAgreementTests
{
    private static readonly string Cluster = string.Concat(
        Namespace("g", "{team: g}"), Namespace("h", "{team: h}"),
        Pod("g", "a", "10.68.1.1", "{app: api}"), Pod("g", "b", "10.68.1.2", "{app: cli}"), Pod("g", "c", "10.68.1.3", "{app: web}"),
        Pod("h", "a", "10.68.2.1", "{app: api}"), Pod("h", "b", "10.68.2.2", "{app: cli}"),
        Vm("vm1", "10.68.3.1", "[sg-web]"), Vm("vm2", "10.68.3.2", "[sg-web, sg-missing]"));

    private const string Resources = """
        apiVersion: projectcalico.org/v3
        kind: Profile
        metadata: {name: sg-web}
        spec:
          labelsToApply: {sg: web}
          ingress:
          - action: Allow
            source: {selector: sg == 'web'}
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
          egress:
          - action: Allow
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: only-not-cli, namespace: g}
        spec:
          selector: app == 'api'
          ingress:
          - action: Allow
            source: {notSelector: app == 'cli'}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: h-api}
        spec:
          order: 10
          selector: app == 'api'
          namespaceSelector: team == 'h'
          ingress:
          - action: Allow
            protocol: TCP
            destination: {notPorts: [8080]}
          - action: Deny
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: cli-egress, namespace: h}
        spec:
          selector: app == 'cli'
          egress:
          - action: Allow
            notProtocol: UDP
          - action: Allow
            protocol: UDP
            destination: {nets: [10.68.1.2/32]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: web-icmp}
        spec:
          selector: app == 'web'
          ingress:
          - action: Allow
            protocol: ICMP
            icmp: {type: 0}
          - action: Allow
            protocol: ICMP
            notICMP: {type: 8}
          - action: Allow
            ipVersion: 6
          - action: Allow
            protocol: TCP
            source: {notNets: [10.68.2.1/32]}
          - action: Allow
            protocol: UDP
            source: {nets: [10.68.3.0/24]}
        """;

    private static string Vm(string name, string ipv4, string profiles) => $"""
        apiVersion: projectcalico.org/v3
        kind: WorkloadEndpoint
        metadata:
          name: {NodeName}-openstack-{name}-eth0
          namespace: openstack
          labels: {"{"}role: vm{"}"}
        spec:
          orchestrator: openstack
          node: {NodeName}
          workload: {name}
          endpoint: eth0
          interfaceName: tap{name}
          ipNetworks: [{ipv4}/32]
          profiles: {profiles}
        ---

        """;

    [AgreementFact]
    public async Task CommonMistakes_Agree()
    {
        await using var harness = await AgreementHarness.CreateAsync(FromYaml("gotchas", Cluster, Resources));

        var report = await harness.CompareAsync();

        report.AssertAgreement();
        bool Real(string from, string to, ProbeKind kind, int? port = null) => report.Real(Id(from), Id(to), kind, port);
        Assert.True(Real("g/c", "g/a", ProbeKind.Udp));            // notSelector: web is not cli
        Assert.False(Real("h/a", "g/a", ProbeKind.Udp));           // notSelector-only is still namespace-scoped
        Assert.False(Real("g/a", "h/a", ProbeKind.Tcp, 8080));     // notPorts
        Assert.True(Real("g/a", "h/a", ProbeKind.Tcp, 80));
        Assert.True(Real("h/b", "g/b", ProbeKind.Udp));            // egress-only policy (types default): UDP only to g/b
        Assert.False(Real("h/b", "vm1", ProbeKind.Udp));
        Assert.True(Real("h/b", "vm1", ProbeKind.Tcp, 80));        // notProtocol UDP; the security group opens TCP 80
        Assert.False(Real("g/a", "g/c", ProbeKind.Icmp));          // type 0 and notICMP type 8 do not match a ping
        Assert.False(Real("h/a", "g/c", ProbeKind.Tcp, 80));       // notNets
        Assert.True(Real("vm1", "g/c", ProbeKind.Udp));            // nets
        Assert.True(Real("vm1", "vm2", ProbeKind.Udp));            // labelsToApply selector in the security group
        Assert.False(Real("g/a", "vm1", ProbeKind.Udp));
    }

    private static string Id(string name) => name.StartsWith("vm", StringComparison.Ordinal) ? $"openstack/{NodeName}-openstack-{name}-eth0" : PodId(name);
}
