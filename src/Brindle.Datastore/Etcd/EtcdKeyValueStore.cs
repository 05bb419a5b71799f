using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Brindle.Datastore.Kv;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Brindle.Datastore.Etcd;

/// <summary>
/// <see cref="IKeyValueStore"/> on an etcd v3 cluster, through the gRPC stubs that dotnet-etcd ships
/// (<c>Etcdserverpb.KV/Watch/Lease/Auth</c>) on one <see cref="GrpcChannel"/> (round-robin over the endpoints).
/// </summary>
/// <remarks>
/// Every CAS write is one etcd transaction (compare on create/mod revision, then put or delete, then read the key back),
/// so the result carries the key exactly as written. Watches resume from the last delivered revision + 1 after a
/// broken stream (bounded retries). Lists page by 5,000 keys at one pinned revision.
/// </remarks>
public sealed class EtcdKeyValueStore : IKeyValueStore
{
    private const int ListPageSize = 5000;
    private const int MaxWatchReconnects = 10;
    private static readonly TimeSpan WatchReconnectDelay = TimeSpan.FromMilliseconds(200);
    private const int MaxReceiveBytes = 256 * 1024 * 1024;

    private readonly EtcdKeyValueStoreOptions _options;
    private readonly GrpcChannel _channel;
    private readonly KV.KVClient _kv;
    private readonly Watch.WatchClient _watch;
    private readonly Lease.LeaseClient _lease;
    private readonly Auth.AuthClient _auth;
    private readonly string _endpoints;
    private string? _token;

    private EtcdKeyValueStore(EtcdKeyValueStoreOptions options, GrpcChannel channel)
    {
        _options = options;
        _channel = channel;
        _kv = new KV.KVClient(channel);
        _watch = new Watch.WatchClient(channel);
        _lease = new Lease.LeaseClient(channel);
        _auth = new Auth.AuthClient(channel);
        _endpoints = string.Join(",", options.Endpoints);
    }

    public string Description => $"etcd ({_endpoints})";

    /// <summary>Connects and proves the cluster answers (and authenticates when a user is given).</summary>
    /// <exception cref="DatastoreException">Unreachable, TLS files unreadable, or authentication refused.</exception>
    public static async Task<EtcdKeyValueStore> ConnectAsync(EtcdKeyValueStoreOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Endpoints.Count == 0) throw new ArgumentException("at least one etcd endpoint is needed", nameof(options));
        var store = new EtcdKeyValueStore(options, CreateChannel(options));
        try
        {
            if (options.Username is not null) await store.AuthenticateAsync(cancellationToken);
            await store.CallAsync(o => store._kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("\0"), Limit = 1, CountOnly = true }, o).ResponseAsync,
                cancellationToken, options.ConnectTimeout);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = Bytes(key) }, o).ResponseAsync, cancellationToken);
        return response.Kvs.Count == 0 ? null : ToKeyValue(response.Kvs[0]);
    }

    public async Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var (start, end) = PrefixRange(prefix);
        var items = new List<KeyValue>();
        long revision = 0;
        while (true)
        {
            var request = new RangeRequest { Key = start, RangeEnd = end, Limit = ListPageSize, Revision = revision };
            var response = await CallAsync(o => _kv.RangeAsync(request, o).ResponseAsync, cancellationToken);
            if (revision == 0) revision = response.Header.Revision;
            items.AddRange(response.Kvs.Select(ToKeyValue));
            if (!response.More || response.Kvs.Count == 0) break;
            start = ByteString.CopyFrom([.. response.Kvs[^1].Key.Span, 0]);
        }
        return new ListResult(items, revision);
    }

    public Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        WriteAsync(key, [Compare(key, Etcdserverpb.Compare.Types.CompareTarget.Create, Etcdserverpb.Compare.Types.CompareResult.Equal, 0)], PutOp(key, value, leaseId), leaseId, cancellationToken);

    public Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default) =>
        WriteAsync(key, [Exists(key), Compare(key, Etcdserverpb.Compare.Types.CompareTarget.Mod, Etcdserverpb.Compare.Types.CompareResult.Equal, expectedModRevision)],
            PutOp(key, value, leaseId), leaseId, cancellationToken);

    public Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        WriteAsync(key, [], PutOp(key, value, leaseId), leaseId, cancellationToken);

    public Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default) =>
        WriteAsync(key,
            expectedModRevision == 0 ? [Exists(key)] : [Compare(key, Etcdserverpb.Compare.Types.CompareTarget.Mod, Etcdserverpb.Compare.Types.CompareResult.Equal, expectedModRevision)],
            DeleteOp(key), 0, cancellationToken);

    public async Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default)
    {
        KvTransactionRules.Validate(operations);
        var request = new TxnRequest();
        request.Compare.AddRange(conditions.Select(c => Compare(c.Key, Etcdserverpb.Compare.Types.CompareTarget.Mod, Etcdserverpb.Compare.Types.CompareResult.Equal, c.ModRevision)));
        request.Success.AddRange(operations.Select(op => op.Type == KvOperationType.Put ? PutOp(op.Key, op.Value ?? "", op.LeaseId) : DeleteOp(op.Key)));
        var lease = operations.FirstOrDefault(op => op.LeaseId != 0)?.LeaseId ?? 0;
        var response = await TxnAsync(request, lease, cancellationToken);
        return new TransactionResult(response.Succeeded, response.Header.Revision);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (start, end) = PrefixRange(prefix);
        var next = fromRevision;
        var failures = 0;
        while (true)
        {
            using var call = _watch.Watch(CallOptionsFor(deadline: null, cancellationToken));
            var create = new WatchCreateRequest { Key = start, RangeEnd = end, StartRevision = next > 0 ? next : 0 };
            var sent = await NextAsync(async () =>
            {
                await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, cancellationToken);
                return true;
            }, cancellationToken);
            var broken = sent.Error;
            while (broken is null)
            {
                var step = await NextAsync(() => call.ResponseStream.MoveNext(cancellationToken), cancellationToken);
                if (step.Error is not null || !step.Value)
                {
                    broken = step.Error ?? new RpcException(new Status(StatusCode.Unavailable, "watch stream ended"));
                    break;
                }
                var response = call.ResponseStream.Current;
                if (response.CompactRevision > 0) throw new WatchCompactedException(next, response.CompactRevision);
                if (response.Canceled) throw new DatastoreException($"etcd at {_endpoints} cancelled the watch on '{prefix}': {response.CancelReason}");
                if (response.Created && next <= 0) next = response.Header.Revision + 1;
                failures = 0;
                foreach (var e in response.Events)
                {
                    next = e.Kv.ModRevision + 1;
                    yield return e.Type == Mvccpb.Event.Types.EventType.Put
                        ? new WatchEvent(WatchEventType.Put, e.Kv.Key.ToStringUtf8(), e.Kv.Value.ToStringUtf8(), e.Kv.ModRevision)
                        : new WatchEvent(WatchEventType.Delete, e.Kv.Key.ToStringUtf8(), null, e.Kv.ModRevision);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (broken is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown } && ++failures <= MaxWatchReconnects)
            {
                await Task.Delay(WatchReconnectDelay * failures, cancellationToken);
                continue;
            }
            throw Translate(broken, 0);
        }
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds));
        var response = await CallAsync(o => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, o).ResponseAsync, cancellationToken);
        if (!string.IsNullOrEmpty(response.Error)) throw new DatastoreException($"etcd at {_endpoints} refused a lease: {response.Error}");
        return response.ID;
    }

    public async Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(async o =>
        {
            using var call = _lease.LeaseKeepAlive(o);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, cancellationToken);
            await call.RequestStream.CompleteAsync();
            return await call.ResponseStream.MoveNext(cancellationToken) ? call.ResponseStream.Current : null;
        }, cancellationToken);
        return response is { TTL: > 0 };
    }

    public async Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync(o => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, o).ResponseAsync, cancellationToken, leaseId: leaseId);
        }
        catch (LeaseNotFoundException)
        {
            // Already gone: revoking is idempotent.
        }
    }

    public async Task CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync(o => _kv.CompactAsync(new CompactionRequest { Revision = revision }, o).ResponseAsync, cancellationToken);
        }
        catch (DatastoreException e) when (e.InnerException is RpcException r && r.Status.Detail.Contains("has been compacted", StringComparison.Ordinal))
        {
            // Already compacted at or beyond this revision.
        }
        catch (DatastoreException e) when (e.InnerException is RpcException r && r.Status.Detail.Contains("future revision", StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(revision), $"revision {revision} is in the future");
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<WriteResult> WriteAsync(string key, Compare[] compares, RequestOp op, long leaseId, CancellationToken cancellationToken)
    {
        var read = new RequestOp { RequestRange = new RangeRequest { Key = Bytes(key) } };
        var request = new TxnRequest();
        request.Compare.AddRange(compares);
        request.Success.Add(op);
        request.Success.Add(read);
        request.Failure.Add(read);
        var response = await TxnAsync(request, leaseId, cancellationToken);
        var kvs = response.Responses[^1].ResponseRange.Kvs;
        return new WriteResult(response.Succeeded, response.Header.Revision, kvs.Count == 0 ? null : ToKeyValue(kvs[0]));
    }

    private Task<TxnResponse> TxnAsync(TxnRequest request, long leaseId, CancellationToken cancellationToken) =>
        CallAsync(o => _kv.TxnAsync(request, o).ResponseAsync, cancellationToken, leaseId: leaseId, operations: request.Success.Count);

    /// <summary>One request with deadline, auth token, one re-authentication on an expired token, and error translation.</summary>
    private async Task<T> CallAsync<T>(Func<CallOptions, Task<T>> call, CancellationToken cancellationToken, TimeSpan? timeout = null, long leaseId = 0, int operations = 0)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(CallOptionsFor(DateTime.UtcNow + (timeout ?? _options.RequestTimeout), cancellationToken));
            }
            catch (RpcException e) when (attempt == 0 && _options.Username is not null && e.StatusCode == StatusCode.Unauthenticated)
            {
                await AuthenticateAsync(cancellationToken);
            }
            catch (RpcException e) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the etcd request was cancelled", e, cancellationToken);
            }
            catch (RpcException e)
            {
                throw Translate(e, leaseId, operations);
            }
        }
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _auth.AuthenticateAsync(new AuthenticateRequest { Name = _options.Username, Password = _options.Password ?? "" },
                deadline: DateTime.UtcNow + _options.ConnectTimeout, cancellationToken: cancellationToken);
            _token = response.Token;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Translate(e, 0);
        }
    }

    private CallOptions CallOptionsFor(DateTime? deadline, CancellationToken cancellationToken)
    {
        var headers = _token is null ? null : new Metadata { { "token", _token } };
        return new CallOptions(headers, deadline, cancellationToken);
    }

    private Exception Translate(Exception error, long leaseId, int operations = 0)
    {
        if (error is not RpcException e) return new DatastoreException($"etcd at {_endpoints}: {error.Message}", error);
        var detail = e.Status.Detail;
        if (detail.Contains("too many operations in txn request", StringComparison.Ordinal))
            return new TransactionTooLargeException($"a transaction of {operations} operations is more than etcd at {_endpoints} accepts (its --max-txn-ops, 128 by default); split it or raise the limit", e);
        if (detail.Contains("request is too large", StringComparison.Ordinal) || e.StatusCode == StatusCode.ResourceExhausted)
            return new TransactionTooLargeException($"a request of {operations} operations is larger than etcd at {_endpoints} accepts (its --max-request-bytes, 1.5 MiB by default): {detail}", e);
        if (detail.Contains("requested lease not found", StringComparison.Ordinal)) return new LeaseNotFoundException(leaseId, e);
        return e.StatusCode switch
        {
            StatusCode.Unavailable => new DatastoreException($"cannot reach etcd at {_endpoints}: {Reason(e)}", e),
            StatusCode.DeadlineExceeded => new DatastoreException($"etcd at {_endpoints} did not answer in time (is a quorum of members up?)", e),
            StatusCode.Unauthenticated or StatusCode.PermissionDenied => new DatastoreException($"etcd at {_endpoints} refused the request: {detail}", e),
            _ => new DatastoreException($"etcd at {_endpoints}: {detail}", e),
        };
    }

    /// <summary>The innermost socket or TLS reason of an unavailable error ("connection refused").</summary>
    private static string Reason(RpcException e)
    {
        for (var inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException s) return LowerFirst(s.Message);
            if (inner is System.Security.Authentication.AuthenticationException a) return "TLS handshake failed: " + LowerFirst(a.Message);
        }
        return LowerFirst(e.Status.Detail);
    }

    private static string LowerFirst(string s) => s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    /// <summary>Runs one stream step; a broken stream becomes a value (so the caller can reconnect), cancellation an
    /// <see cref="OperationCanceledException"/>.</summary>
    private static async Task<(T Value, Exception? Error)> NextAsync<T>(Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return (await step(), null);
        }
        catch (RpcException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the watch was cancelled", e, cancellationToken);
        }
        catch (RpcException e)
        {
            return (default!, e);
        }
    }

    private static GrpcChannel CreateChannel(EtcdKeyValueStoreOptions options)
    {
        var uris = options.Endpoints.Select(e => new Uri(e)).ToList();
        var tls = uris[0].Scheme == Uri.UriSchemeHttps;
        if (uris.Any(u => (u.Scheme == Uri.UriSchemeHttps) != tls))
            throw new ArgumentException("etcd endpoints mix http and https", nameof(options));
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = options.ConnectTimeout };
        if (tls) handler.SslOptions = SslOptions(options);
        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = MaxReceiveBytes,
            Credentials = tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
        };
        if (uris.Count == 1) return GrpcChannel.ForAddress(uris[0], channelOptions);
        var addresses = uris.Select(u => new BalancerAddress(u.Host, u.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        channelOptions.ServiceProvider = services.BuildServiceProvider();
        channelOptions.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        return GrpcChannel.ForAddress("static:///etcd", channelOptions);
    }

    private static SslClientAuthenticationOptions SslOptions(EtcdKeyValueStoreOptions options)
    {
        var ssl = new SslClientAuthenticationOptions();
        try
        {
            if (options.CertFile is not null || options.KeyFile is not null)
            {
                if (options.CertFile is null || options.KeyFile is null)
                    throw new DatastoreException("etcd TLS needs both a certificate file and a key file (etcdCertFile and etcdKeyFile)");
                ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile)];
            }
            if (options.CACertFile is not null)
            {
                var ca = new X509Certificate2Collection();
                ca.ImportFromPemFile(options.CACertFile);
                if (ca.Count == 0) throw new DatastoreException($"etcd CA file {options.CACertFile} holds no PEM certificate");
                ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                };
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new DatastoreException($"cannot read etcd TLS files (cert {options.CertFile}, key {options.KeyFile}, CA {options.CACertFile}): {e.Message}", e);
        }
        return ssl;
    }

    private static Compare Compare(string key, Compare.Types.CompareTarget target, Compare.Types.CompareResult result, long revision)
    {
        var compare = new Compare { Key = Bytes(key), Target = target, Result = result };
        if (target == Etcdserverpb.Compare.Types.CompareTarget.Create) compare.CreateRevision = revision;
        else compare.ModRevision = revision;
        return compare;
    }

    private static Compare Exists(string key) =>
        Compare(key, Etcdserverpb.Compare.Types.CompareTarget.Create, Etcdserverpb.Compare.Types.CompareResult.Greater, 0);

    private static RequestOp PutOp(string key, string value, long leaseId) =>
        new() { RequestPut = new PutRequest { Key = Bytes(key), Value = ByteString.CopyFromUtf8(value), Lease = leaseId } };

    private static RequestOp DeleteOp(string key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = Bytes(key) } };

    private static KeyValue ToKeyValue(Mvccpb.KeyValue kv) =>
        new(kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.CreateRevision, kv.ModRevision, kv.Lease);

    private static ByteString Bytes(string s) => ByteString.CopyFromUtf8(s);

    /// <summary>etcd's [key, range_end) for a prefix; the empty prefix is every key ("\0", "\0").</summary>
    private static (ByteString Start, ByteString End) PrefixRange(string prefix)
    {
        if (prefix.Length == 0) return (ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                var end = bytes[..(i + 1)];
                end[i]++;
                return (ByteString.CopyFrom(bytes), ByteString.CopyFrom(end));
            }
        }
        return (ByteString.CopyFrom(bytes), ByteString.CopyFrom(0));
    }
}
