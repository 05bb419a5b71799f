using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Sqlite;

namespace Brindle.Datastore.Config;

/// <summary>Opens the backend a <see cref="DatastoreConfig"/> names.</summary>
public static class DatastoreFactory
{
    /// <exception cref="DatastoreException">The store cannot be opened or reached (plain message).</exception>
    public static async Task<IKeyValueStore> OpenAsync(DatastoreConfig config, CancellationToken cancellationToken = default) =>
        config.Type switch
        {
            DatastoreType.Embedded => SqliteKeyValueStore.Open(config.DatastorePath),
            DatastoreType.EtcdV3 => await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions
            {
                Endpoints = config.EtcdEndpoints,
                CertFile = config.EtcdCertFile,
                KeyFile = config.EtcdKeyFile,
                CACertFile = config.EtcdCACertFile,
                Username = config.EtcdUsername,
                Password = config.EtcdPassword,
            }, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Type, "unknown datastore type"),
        };
}
