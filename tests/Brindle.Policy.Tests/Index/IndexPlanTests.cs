namespace Brindle.Policy.Index.Tests;

public sealed class IndexPlanTests
{
    [Theory]
    // A namespaced rule selector is filed under the user's key, not the namespace every endpoint there shares.
    [InlineData("role == 'db' && projectcalico.org/namespace == 'prod'", "Values", "role")]
    [InlineData("projectcalico.org/namespace == 'prod' && pcns.team == 'a' && tier in {'x', 'y'}", "Values", "tier")]
    [InlineData("projectcalico.org/namespace == 'prod' && has(role)", "Values", "projectcalico.org/namespace")]
    [InlineData("has(projectcalico.org/orchestrator) && has(role)", "Key", "role")]
    [InlineData("a in {'1', '2'} && b == '3'", "Values", "b")]
    [InlineData("all()", "Unindexed", null)]
    public void For_PrefersNarrowUserKeys(string selector, string kind, string? key)
    {
        var plan = IndexPlan.For(Selector.Parse(selector));

        Assert.Equal(kind, plan.Kind.ToString());
        Assert.Equal(key, plan.Key);
    }
}
