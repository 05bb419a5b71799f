namespace Brindle.Datastore.Etcd;

/// <summary>How to reach an etcd v3 cluster. TLS file paths are PEM; a CA file replaces the system trust store.</summary>
public sealed record EtcdKeyValueStoreOptions
{
    /// <summary>Client URLs, e.g. <c>http://127.0.0.1:2379</c>; all must use the same scheme.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string? CACertFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Deadline of every unary request (a cluster that lost quorum answers nothing; this bounds the wait).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="EtcdKeyValueStore.ConnectAsync"/> waits for the first answer.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
