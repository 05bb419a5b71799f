using Brindle.Datastore.Config;
using Brindle.Datastore.Kv;

namespace Brindle.Lab;

/// <summary>The lab's datastore: how agents find it (environment) and how lab commands open it.</summary>
public static class LabStore
{
    public static IReadOnlyDictionary<string, string> Environment(LabLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Options.Datastore == LabDatastore.Etcd
            ? new Dictionary<string, string> { ["DATASTORE_TYPE"] = "etcdv3", ["ETCD_ENDPOINTS"] = layout.EtcdEndpoints }
            : new Dictionary<string, string> { ["DATASTORE_TYPE"] = "embedded", ["DATASTORE_PATH"] = layout.DatabasePath };
    }

    public static DatastoreConfig Config(LabLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Options.Datastore == LabDatastore.Etcd
            ? new DatastoreConfig { Type = DatastoreType.EtcdV3, EtcdEndpoints = layout.EtcdEndpoints.Split(','), Source = $"lab '{layout.Name}'" }
            : new DatastoreConfig { Type = DatastoreType.Embedded, DatastorePath = layout.DatabasePath, Source = $"lab '{layout.Name}'" };
    }

    public static Task<IKeyValueStore> OpenAsync(LabLayout layout, CancellationToken cancellationToken) =>
        DatastoreFactory.OpenAsync(Config(layout), cancellationToken);
}
