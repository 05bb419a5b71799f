using Brindle.Api;

namespace Brindle.Calculation.Tests;

public sealed class LabelInternerTests
{
    private static LabelSource Source(string labels, string? ns = "prod", string? orchestrator = "k8s", string? account = null) =>
        new(R.Labels(labels.Length == 0 ? [] : labels.Split(',')), ns, orchestrator, account);

    [Fact]
    public void Acquire_EqualContent_SharesOneDictionaryWithTheAutomaticLabels()
    {
        var interner = new LabelInterner();
        var a = interner.Acquire(Source("app=web,role=fe"));
        var b = interner.Acquire(Source("role=fe,app=web"));   // another map, same content

        Assert.Same(a, b);
        Assert.Equal(EndpointConverter.Labels(Source("app=web,role=fe")), a);
        Assert.Equal("prod", a[CalculationLabels.Namespace]);
        Assert.Equal(1, interner.Count);
    }

    [Theory]
    [InlineData("app=web", "prod", "k8s", null)]
    [InlineData("app=db", "prod", "k8s", "sa")]
    [InlineData("app=db,x=1", "prod", "k8s", null)]
    [InlineData("app=db", "dev", "k8s", null)]
    [InlineData("app=db", "prod", null, null)]
    [InlineData("app=db", null, "k8s", null)]
    public void Acquire_AnyDifference_GetsItsOwnDictionary(string labels, string? ns, string? orchestrator, string? account)
    {
        var interner = new LabelInterner();
        var a = interner.Acquire(Source("app=db"));
        var b = interner.Acquire(Source(labels, ns, orchestrator, account));

        Assert.NotSame(a, b);
        Assert.Equal(EndpointConverter.Labels(Source(labels, ns, orchestrator, account)), b);
        Assert.Equal(2, interner.Count);
    }

    [Fact]
    public void Release_DropsTheDictionaryWithItsLastUser()
    {
        var interner = new LabelInterner();
        var first = interner.Acquire(Source("app=web"));
        interner.Acquire(Source("app=web"));
        interner.Acquire(Source("app=db"));

        interner.Release(Source("app=web"));
        Assert.Same(first, interner.Acquire(Source("app=web")));   // still held by one user
        interner.Release(Source("app=web"));
        interner.Release(Source("app=web"));
        interner.Release(Source("app=unknown"));                    // never acquired: nothing to do
        Assert.Equal(1, interner.Count);
        Assert.NotSame(first, interner.Acquire(Source("app=web")));
        interner.Release(Source("app=web"));
        interner.Release(Source("app=db"));
        Assert.Equal(0, interner.Count);
    }

    [Fact]
    public void Graph_EndpointLabelChangeAndDelete_ReleaseTheirLabelSets()
    {
        var s = new Scenario().Put(R.Wep("prod", "a", "10.0.1.1", node: "node2", labels: "app=web"), R.Wep("prod", "b", "10.0.1.2", node: "node2", labels: "app=web"));
        Assert.Equal(1, s.Graph.LabelSetCount);

        s.Put(R.Wep("prod", "a", "10.0.1.1", node: "node2", labels: "app=db"));
        Assert.Equal(2, s.Graph.LabelSetCount);
        s.Put(R.Wep("prod", "b", "10.0.1.3", node: "node2", labels: "app=db"));
        Assert.Equal(1, s.Graph.LabelSetCount);

        s.Put(R.Gns("ext", "kind=ext", "198.51.100.0/24"));
        s.Delete(R.Wep("prod", "a", "10.0.1.1", node: "node2", labels: "app=db"), R.Gns("ext", "kind=ext", "198.51.100.0/24"));
        Assert.Equal(1, s.Graph.LabelSetCount);
        s.Delete(R.Wep("prod", "b", "10.0.1.3", node: "node2", labels: "app=db"));
        Assert.Equal(0, s.Graph.LabelSetCount);
    }
}
