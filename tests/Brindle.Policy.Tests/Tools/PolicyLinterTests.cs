using Brindle.Api;

namespace Brindle.Policy.Tools.Tests;

public sealed class PolicyLinterTests
{
    private static PolicyModel Model(params string[] files)
    {
        var resources = new List<Resource>();
        foreach (var file in files)
        {
            var read = ResourceCodec.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", file)), file);
            Assert.True(read.Succeeded, string.Join("\n", read.Errors));
            resources.AddRange(read.Documents.Select(d => d.Resource));
        }
        return PolicyModelBuilder.Build(resources).Model;
    }

    [Fact]
    public void Lint_SeedTenant_FlagsProfileWhoseFirstRuleDeniesEverything()
    {
        var warnings = PolicyLinter.Lint(Model("seed-tenant/tenant-v3.yaml"));
        var warning = Assert.Single(warnings);
        Assert.Equal("Profile 'profile-database'", warning.Resource);
        Assert.Equal("spec.ingress[1..1]", warning.Field);
        Assert.Contains("rule 0 (Deny) has no match criteria", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SeedTenantV1_SameFinding()
    {
        var warnings = PolicyLinter.Lint(Model("seed-v1/tenant-endpoints.yaml", "seed-v1/tenant-policy.yaml", "seed-v1/tenant-profile.yaml"));
        Assert.Contains(warnings, w => w.Resource == "Profile 'profile-database'" && w.Field == "spec.ingress[1..1]");
    }

    [Fact]
    public void Lint_EgressOnlyPolicyAndEmptySelectorAndMissingProfile_Flagged()
    {
        var ep = new PolicyModel.Entity(PolicyModel.EntityKind.WorkloadEndpoint, "ns", "a", new Dictionary<string, string> { ["app"] = "a" },
            [System.Net.IPNetwork.Parse("10.0.0.1/32")], ["gone"], []);
        var egressOnly = new PolicyModel.Policy("egress-only", "ns", "default", null, Selector.All, null, false, true, [], [new PolicyModel.Rule(PolicyModel.Action.Deny)]);
        var selectsNothing = new PolicyModel.Policy("nothing", "ns", "default", null, Selector.Parse("app == 'zzz'"), null, true, false, [], []);
        var warnings = PolicyLinter.Lint(new PolicyModel([], [ep], [], [egressOnly, selectsNothing], []));
        Assert.Contains(warnings, w => w.Field == "spec.types" && w.Resource.Contains("egress-only", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Field == "spec.selector" && w.Resource.Contains("nothing", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Field == "spec.profiles" && w.Message.Contains("'gone'", StringComparison.Ordinal));
        Assert.Equal(3, warnings.Count);
    }
}
