using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Brindle.Platform;

/// <summary>
/// An <see cref="ICommandRunner"/> that runs <c>nft -f -</c> transactions in this process through libnftables (the
/// library the <c>nft</c> program is a thin front end of) and passes every other command to <paramref name="inner"/>.
/// Saves a process per transaction (fork, exec, dynamic linking, and <c>ip netns exec</c> for a named namespace): a few
/// milliseconds each, on every policy change.
/// </summary>
/// <remarks>
/// <para>Each nft context lives on a thread of its own (a libnftables context is not thread-safe, and its netlink
/// socket belongs to the network namespace of the thread that uses it). For a named namespace that thread enters it
/// first (<c>setns</c>). Up to <see cref="SessionsPerNamespace"/> transactions run at the same time per namespace; more
/// wait for a free session.</para>
/// <para>Same contract as the program: exit code 0 or 1, the error text nft prints (its buffered error output). When
/// libnftables cannot be loaded, everything goes to <paramref name="inner"/>, unchanged.</para>
/// </remarks>
public sealed partial class LibNftablesRunner(ICommandRunner inner, int maxInProcessBytes = LibNftablesRunner.DefaultMaxInProcessBytes) : ICommandRunner, IDisposable
{
    /// <summary>Concurrent transactions per namespace (a first programming runs two side by side).</summary>
    public const int SessionsPerNamespace = 2;

    /// <summary>
    /// Larger scripts run as <c>nft</c> programs: what nft builds while it parses a script lives in the process that runs
    /// it, and for the first programming of a large table that is tens of megabytes (measured: the agent's peak RSS with
    /// 10,100 endpoints and 500 policies went from 127 to 184 MB with that transaction in-process). Every incremental
    /// change is far below this.
    /// </summary>
    public const int DefaultMaxInProcessBytes = 512 * 1024;

    private const int TrimAfterBytes = 64 * 1024;

    private const string Library = "libnftables.so.1";
    private static readonly Lazy<bool> LibraryLoads = new(() => NativeLibrary.TryLoad(Library, out _));

    private readonly ConcurrentDictionary<string, NamespaceSessions> _namespaces = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Whether libnftables is present (else this runner only forwards).</summary>
    public static bool Available => LibraryLoads.Value;

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_disposed || !Available || !IsTransaction(command) || command.StandardInput!.Length > maxInProcessBytes) return inner.RunAsync(command, cancellationToken);
        var sessions = _namespaces.GetOrAdd(command.Namespace ?? "", ns => new NamespaceSessions(ns.Length == 0 ? null : ns));
        return sessions.RunAsync(command.StandardInput!, cancellationToken);
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var sessions in _namespaces.Values) sessions.Dispose();
        _namespaces.Clear();
    }

    private static bool IsTransaction(CommandSpec command) =>
        command.FileName == "nft" && command.Arguments is ["-f", "-"] && command.StandardInput is not null;

    /// <summary>The sessions of one namespace: a pool of at most <see cref="SessionsPerNamespace"/>.</summary>
    private sealed class NamespaceSessions(string? netns) : IDisposable
    {
        private readonly SemaphoreSlim _slots = new(SessionsPerNamespace, SessionsPerNamespace);
        private readonly ConcurrentBag<Session> _idle = [];
        private readonly ConcurrentBag<Session> _all = [];

        public async Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                if (!_idle.TryTake(out var session))
                {
                    session = new Session(netns);
                    _all.Add(session);
                }
                try
                {
                    return await session.RunAsync(script);
                }
                finally
                {
                    _idle.Add(session);
                }
            }
            finally
            {
                _slots.Release();
            }
        }

        public void Dispose()
        {
            foreach (var session in _all) session.Dispose();
        }
    }

    /// <summary>One nft context on its own thread (in the namespace when one is named).</summary>
    private sealed class Session : IDisposable
    {
        private readonly BlockingCollection<(string Script, TaskCompletionSource<CommandResult> Done)> _work = new();

        public Session(string? netns)
        {
            var thread = new Thread(() => Loop(netns)) { IsBackground = true, Name = "libnftables " + (netns ?? "(own namespace)") };
            thread.Start();
        }

        public Task<CommandResult> RunAsync(string script)
        {
            var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _work.Add((script, done));
            return done.Task;
        }

        public void Dispose() => _work.CompleteAdding();

        private void Loop(string? netns)
        {
            string? failure = null;
            var context = IntPtr.Zero;
            try
            {
                if (netns is not null) NetworkNamespaceThread.EnterOnThisThread(netns);
                context = NftCtxNew(0);
                if (context == IntPtr.Zero) failure = "nft_ctx_new failed";
                else if (NftCtxBufferOutput(context) != 0 || NftCtxBufferError(context) != 0) failure = "nft_ctx_buffer_output/error failed";
            }
            catch (InvalidOperationException e)
            {
                failure = $"cannot enter network namespace '{netns}': {e.InnerException?.Message ?? e.Message}";   // as nft's own errors read
            }
            try
            {
                foreach (var (script, done) in _work.GetConsumingEnumerable())
                {
                    if (failure is not null)
                    {
                        done.SetResult(new CommandResult(1, "", failure));
                        continue;
                    }
                    var rc = NftRunCmdFromBuffer(context, script);
                    var output = Marshal.PtrToStringUTF8(NftCtxGetOutputBuffer(context)) ?? "";
                    var error = Marshal.PtrToStringUTF8(NftCtxGetErrorBuffer(context)) ?? "";
                    // nft frees what it built for a big script, but glibc keeps the pages: hand them back.
                    if (script.Length >= TrimAfterBytes) _ = MallocTrim(0);
                    done.SetResult(new CommandResult(rc == 0 ? 0 : 1, output, error));
                }
            }
            finally
            {
                if (context != IntPtr.Zero) NftCtxFree(context);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    private static partial IntPtr NftCtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    private static partial void NftCtxFree(IntPtr context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    private static partial int NftCtxBufferOutput(IntPtr context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    private static partial int NftCtxBufferError(IntPtr context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    private static partial IntPtr NftCtxGetOutputBuffer(IntPtr context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    private static partial IntPtr NftCtxGetErrorBuffer(IntPtr context);

    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NftRunCmdFromBuffer(IntPtr context, string buffer);
}
