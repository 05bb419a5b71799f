using Brindle.Datastore.Kv;
using Brindle.Testing;

namespace Brindle.Ipam.Tests;

public sealed class IpamConcurrencyTests
{
    [Fact]
    public async Task ConcurrentAllocators_InMemory_NeverHandOutAnAddressTwice()
    {
        var store = new InMemoryKeyValueStore();

        var result = await IpamConcurrencyScenario.RunAsync(() => new SharedKeyValueStore(store));

        Assert.Equal(2000, result.Addresses);
    }
}
