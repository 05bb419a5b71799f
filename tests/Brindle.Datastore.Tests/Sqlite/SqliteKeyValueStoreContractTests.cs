using Brindle.Datastore.Kv;
using Brindle.Datastore.Kv.Tests;
using Brindle.Datastore.Sqlite;
using Brindle.Testing;

namespace Brindle.Datastore.Sqlite.Tests;

public sealed class SqliteKeyValueStoreContractTests : KeyValueStoreContractTests
{
    private readonly TempDirectory _dir = new("brindle-sqlite");

    protected override Task<IKeyValueStore> OpenStoreAsync() =>
        Task.FromResult<IKeyValueStore>(SqliteKeyValueStore.Open(_dir.Combine("store.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
