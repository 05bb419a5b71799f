using Brindle.Api;

namespace Brindle.Policy.Evaluation.Tests;

public sealed class PolicyModelBuilderTests
{
    private static PolicyModelBuildResult Read(string yaml)
    {
        var read = ResourceCodec.Read(yaml, "test.yaml");
        Assert.True(read.Succeeded, string.Join("\n", read.Errors));
        return PolicyModelBuilder.Build(read.Documents.Select(d => d.Resource));
    }

    private static ConnectionVerdict Probe(PolicyEvaluator evaluator, string src, string dst, int port)
    {
        Assert.True(evaluator.TryResolvePeer(src, out var s, out var e1), e1);
        Assert.True(evaluator.TryResolvePeer(dst, out var d, out var e2), e2);
        return evaluator.Evaluate(new PolicyConnection(s!, d!, 6, port));
    }

    [Fact]
    public void SeedTenant_SimulatesAsTheSeedExplains()
    {
        var built = Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "seed-tenant", "tenant-v3.yaml")));
        Assert.Empty(built.Errors);
        var evaluator = new PolicyEvaluator(built.Model);

        // A policy applies to the database, so its profile (whose first rule denies everything) is never reached.
        var toDatabase = Probe(evaluator, "default/slave1-frontend1", "default/slave2-database", 3306);
        Assert.True(toDatabase.Allowed);
        Assert.Equal(("default", "namespace-default", 0), (toDatabase.Ingress.Tier, toDatabase.Ingress.Policy, toDatabase.Ingress.RuleIndex));
        Assert.Equal("namespace-default", toDatabase.Egress.Policy);

        var fromOutside = Probe(evaluator, "10.0.20.5", "default/slave2-database", 3306);
        Assert.False(fromOutside.Allowed);
        Assert.Equal(DecisionKind.EndOfTier, fromOutside.Ingress.Kind);

        Assert.True(Probe(evaluator, "default/slave2-database", "default/slave1-frontend2", 80).Allowed);
        Assert.Equal("profile-database", evaluator.LabelsOf(evaluator.Endpoints.Single(e => e.Name == "slave2-database"))["profile"]);
    }

    [Fact]
    public void SeedTenantV1_ConvertedByCodec_SameVerdictsAsHandConverted()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden", "seed-v1");
        var documents = new List<Resource>();
        foreach (var file in new[] { "tenant-endpoints.yaml", "tenant-policy.yaml", "tenant-profile.yaml" })
        {
            var read = ResourceCodec.Read(File.ReadAllText(Path.Combine(dir, file)), file);
            Assert.True(read.Succeeded, string.Join("\n", read.Errors));
            documents.AddRange(read.Documents.Select(d => d.Resource));
        }
        var built = PolicyModelBuilder.Build(documents);
        Assert.Empty(built.Errors);
        var evaluator = new PolicyEvaluator(built.Model);
        var frontend = evaluator.Endpoints.First(e => e.Labels["service"] == "frontend").Id;
        var database = evaluator.Endpoints.Single(e => e.Labels["service"] == "database").Id;
        var toDatabase = Probe(evaluator, frontend, database, 3306);
        Assert.True(toDatabase.Allowed);
        Assert.Equal(0, toDatabase.Ingress.RuleIndex);
        Assert.Equal(DecisionKind.EndOfTier, Probe(evaluator, "10.0.20.5", database, 3306).Ingress.Kind);
    }

    [Fact]
    public void Build_BadSelectors_ReportedWithKindNameAndField()
    {
        var built = Read("""
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: p, namespace: ns1}
            spec:
              selector: app == web
              ingress:
              - action: Allow
                source: {selector: "has(a"}
            """);
        Assert.Equal(2, built.Errors.Count);
        Assert.All(built.Errors, e => Assert.Equal(("NetworkPolicy", "ns1/p"), (e.Kind, e.Name)));
        Assert.Equal(["spec.selector", "spec.ingress[0].source.selector"], built.Errors.Select(e => e.Field));
        Assert.Empty(built.Model.Policies);
    }

    [Fact]
    public void Build_KubernetesConventions_NamespaceProfilesAndTypes()
    {
        var built = Read("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: blue}}
            ---
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata: {name: web, namespace: shop, labels: {app: web}}
            spec: {orchestrator: k8s, ipNetworks: [10.1.0.1/32]}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: egress-only, namespace: shop}
            spec:
              egress: [{action: Deny}]
            """);
        Assert.Empty(built.Errors);
        Assert.Equal(["kns.shop"], built.Model.Entities.Single().Profiles);
        Assert.Contains(built.Model.Profiles, p => p.Name == "kns.shop");
        var policy = built.Model.Policies.Single();
        Assert.Equal((false, true), (policy.AppliesToIngress, policy.AppliesToEgress));
        var evaluator = new PolicyEvaluator(built.Model);
        Assert.Equal("blue", evaluator.LabelsOf(built.Model.Entities.Single())["pcns.team"]);
    }
}
