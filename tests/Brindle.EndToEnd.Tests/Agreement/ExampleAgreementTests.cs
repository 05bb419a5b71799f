using static Brindle.EndToEnd.Tests.Agreement.AgreementScenario;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// The shared examples (/work/shared/examples): the seed's v1 tenant example, converted by the codec and moved onto
/// the test node, and the v3 policies with pods for the namespaces they name.
/// </summary>
public sealed class ExampleAgreementTests
{
    private static async Task<AgreementReport> RunAsync(AgreementScenario scenario)
    {
        await using var harness = await AgreementHarness.CreateAsync(scenario);
        var report = await harness.CompareAsync();
        report.AssertAgreement();
        return report;
    }

    [AgreementFact]
    public async Task SeedTenant_ConvertedFromV1_Agrees()
    {
        var scenario = FromYaml("seed-v1-tenant",
            Example("seed-v1/tenant-endpoints.yaml"), Example("seed-v1/tenant-policy.yaml"), Example("seed-v1/tenant-profile.yaml")).OnTestNode();

        var report = await RunAsync(scenario);

        // The tenant policy (namespace == 'default', both directions) allows everything between the three endpoints;
        // the database profile's deny-first mistake never gets a say.
        Assert.Equal(24, report.Results.Count);
        Assert.Equal(0, report.Denied);
    }

    [AgreementFact]
    public async Task SeedTenant_WithoutPolicy_DatabaseProfileDeniesEverything_Agrees()
    {
        var scenario = FromYaml("seed-v1-profile-only",
            Example("seed-v1/tenant-endpoints.yaml"), Example("seed-v1/tenant-profile.yaml")).OnTestNode();

        var report = await RunAsync(scenario);

        // Without the policy, the database's own profile decides its ingress: the first rule denies everything.
        var toDatabase = report.Results.Where(r => r.Probe.ToPeer.Endpoint!.Name.Contains("database", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(toDatabase);
        Assert.All(toDatabase, r => Assert.False(r.RealAllowed));
        Assert.Contains(report.Results, r => r.RealAllowed);
    }

    [AgreementFact]
    public async Task SeedV3Policies_WithPodsInTheirNamespaces_Agrees()
    {
        var scenario = FromYaml("seed-v3-policies", string.Concat(
                Namespace("production", "{env: production}"), Namespace("staging", "{env: staging}"), Namespace("frontend", "{env: frontend}"),
                Pod("production", "web", "10.66.1.1", "{app: web}"), Pod("production", "db", "10.66.1.2", "{app: database}"),
                Pod("staging", "s", "10.66.2.1", "{app: web}"),
                Pod("frontend", "fe", "10.66.3.1", "{app: frontend}"), Pod("frontend", "other", "10.66.3.2", "{app: other}")),
            Example("seed-v3/policies.yaml"));

        var report = await RunAsync(scenario);

        // The global default-deny-all sorts before the namespaced allows (same tier, no order, by name), so every
        // ingress is denied and egress is open.
        Assert.Equal(0, report.Allowed);
        Assert.Equal(80, report.Results.Count);
    }
}
