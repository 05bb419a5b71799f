namespace Brindle.Api.Tests;

public sealed class ResourceKeyTests
{
    [Theory]
    [InlineData("/calico/resources/v3/projectcalico.org/workloadendpoints/default/web-1", "WorkloadEndpoint", "default", "web-1")]
    [InlineData("/calico/resources/v3/projectcalico.org/ippools/pool1", "IPPool", null, "pool1")]
    [InlineData("/calico/resources/v3/projectcalico.org/networkpolicies/ns1/default.allow", "NetworkPolicy", "ns1", "default.allow")]
    [InlineData("/calico/resources/v3/core/namespaces/prod", "Namespace", null, "prod")]
    public void TryParseKey_KnownKinds(string key, string kind, string? ns, string name)
    {
        Assert.True(ResourceKinds.TryParseKey(key, out var parsedKind, out var parsedNs, out var parsedName));
        Assert.Equal(kind, parsedKind.Name);
        Assert.Equal(ns, parsedNs);
        Assert.Equal(name, parsedName);
        Assert.Equal(key, parsedKind.KeyFor(ns, name));   // and back
        Assert.True(ResourceKinds.TryLocateKey(key, out var locatedKind, out var nsRange, out var nameRange));   // without copies
        Assert.Same(parsedKind, locatedKind);
        Assert.Equal(ns ?? "", key[nsRange]);
        Assert.Equal(name, key[nameRange]);
    }

    [Theory]
    [InlineData("/calico/resources/v3/projectcalico.org/workloadendpoints/default")]          // namespaced kind without a name
    [InlineData("/calico/resources/v3/projectcalico.org/workloadendpoints/default/a/b")]      // too many segments
    [InlineData("/calico/resources/v3/projectcalico.org/ippools/")]                           // no name
    [InlineData("/calico/resources/v3/projectcalico.org/ippools/a/b")]                        // cluster-scoped with a namespace
    [InlineData("/calico/resources/v3/projectcalico.org/unknownthings/a")]                    // no such kind
    [InlineData("/calico/resources/v3/projectcalico.org/ippoolsx/a")]                         // a plural that merely starts like one
    [InlineData("/calico/ipam/v2/host/node1/ipv4/block/10.0.0.0-26")]                         // not a resource key
    [InlineData("/brindle/status/nodes/node1")]
    [InlineData("")]
    public void TryParseKey_OtherKeys_AreNotResources(string key)
    {
        Assert.False(ResourceKinds.TryParseKey(key, out var kind, out _, out _));
        Assert.Null(kind);
        Assert.False(ResourceKinds.TryLocateKey(key, out kind, out _, out _));
    }
}
