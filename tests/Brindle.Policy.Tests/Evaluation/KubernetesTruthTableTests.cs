using static Brindle.Policy.Evaluation.Tests.PolicyScenario;

namespace Brindle.Policy.Evaluation.Tests;

/// <summary>
/// The Kubernetes network-policy e2e scenarios (namespaces x, y, z; pods a, b, c) as Calico policies, with their
/// truth tables: rows are clients in the order x/a x/b x/c y/a … z/c, columns servers in the same order.
/// </summary>
public sealed class KubernetesTruthTableTests
{
    private const int Tcp = 6;

    private static string Grid(PolicyEvaluator evaluator, int port = 80) => ReachabilityMatrix.Compute(evaluator, Tcp, port).ToGrid();

    private static string Table(params string[] rows) => string.Join('\n', rows);

    [Fact]
    public void NoPolicies_EverythingReachable()
    {
        Assert.Equal(Table(
            "-........", ".-.......", "..-......",
            "...-.....", "....-....", ".....-...",
            "......-..", ".......-.", "........-"), Grid(Kubernetes().Build()));
    }

    [Fact]
    public void DefaultDenyIngressInX_NothingReachesX()
    {
        var evaluator = Kubernetes().Policy("x", "default-deny", "all()", types: "I").Build();
        Assert.Equal(Table(
            "-XX......", "X-X......", "XX-......",
            "XXX-.....", "XXX.-....", "XXX..-...",
            "XXX...-..", "XXX....-.", "XXX.....-"), Grid(evaluator));
    }

    [Fact]
    public void DefaultDenyWithoutTypesOrRules_DefaultsToIngress()
    {
        var explicitTypes = Grid(Kubernetes().Policy("x", "default-deny", "all()", types: "I").Build());
        Assert.Equal(explicitTypes, Grid(Kubernetes().Policy("x", "default-deny", "all()").Build()));
    }

    [Fact]
    public void AllowFromNamespaceY_OnlyYReachesXa()
    {
        var evaluator = Kubernetes()
            .Policy("x", "allow-from-y", "pod == 'a'", ingress: [Allow(From(namespaceSelector: "ns == 'y'"))])
            .Build();
        Assert.Equal(Table(
            "-........", "X-.......", "X.-......",
            "...-.....", "....-....", ".....-...",
            "X.....-..", "X......-.", "X.......-"), Grid(evaluator));
    }

    [Fact]
    public void AllowFromPodLabel_OnlySameNamespacePodMatches()
    {
        // A selector without namespaceSelector in a namespaced policy only matches pods of the policy's namespace.
        var evaluator = Kubernetes()
            .Policy("x", "allow-from-b", "pod == 'a'", ingress: [Allow(From("pod == 'b'"))])
            .Build();
        Assert.Equal(Table(
            "-........", ".-.......", "X.-......",
            "X..-.....", "X...-....", "X....-...",
            "X.....-..", "X......-.", "X.......-"), Grid(evaluator));
    }

    [Fact]
    public void AllowFromPodLabelInAllNamespaces_NamespaceSelectorAll()
    {
        var evaluator = Kubernetes()
            .Policy("x", "allow-from-any-b", "pod == 'a'", ingress: [Allow(From("pod == 'b'", namespaceSelector: "all()"))])
            .Build();
        Assert.Equal(Table(
            "-........", ".-.......", "X.-......",
            "X..-.....", "....-....", "X....-...",
            "X.....-..", ".......-.", "X.......-"), Grid(evaluator));
    }

    [Fact]
    public void PortSpecificAllow_OnlyThatPortOpens()
    {
        var scenario = Kubernetes().Policy("x", "allow-81", "pod == 'a'", ingress: [Allow(destination: Ports(81), protocol: Tcp)]);
        var deniedOn80 = Table(
            "-........", "X-.......", "X.-......",
            "X..-.....", "X...-....", "X....-...",
            "X.....-..", "X......-.", "X.......-");
        Assert.Equal(deniedOn80, Grid(scenario.Build(), 80));
        Assert.Equal(Grid(Kubernetes().Build()), Grid(scenario.Build(), 81));
    }

    [Fact]
    public void EgressDenyInX_XReachesNothing()
    {
        var evaluator = Kubernetes().Policy("x", "deny-egress", "all()", types: "E").Build();
        Assert.Equal(Table(
            "-XXXXXXXX", "X-XXXXXXX", "XX-XXXXXX",
            "...-.....", "....-....", ".....-...",
            "......-..", ".......-.", "........-"), Grid(evaluator));
    }

    [Fact]
    public void Combined_IngressFromYbOnPort80_EgressOnlyToZ()
    {
        var evaluator = Kubernetes()
            .Policy("x", "ingress", "pod == 'a'", ingress: [Allow(From("pod == 'b'", namespaceSelector: "ns == 'y'"), Ports(80), Tcp)])
            .Policy("x", "egress", "pod == 'a'", egress: [Allow(destination: From(namespaceSelector: "ns == 'z'"))])
            .Build();
        Assert.Equal(Table(
            "-XXXXX...", "X-.......", "X.-......",
            "X..-.....", "....-....", "X....-...",
            "X.....-..", "X......-.", "X.......-"), Grid(evaluator));
        Assert.All(Grid(evaluator, 81).Split('\n').Skip(1), row => Assert.Equal('X', row[0]));
    }
}
