using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;
using Brindle.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Dataplane.Nftables;

/// <summary>
/// Reconciler for policy, dispatch and NAT-outgoing in one nftables table, <c>table inet brindle</c>.
/// </summary>
/// <remarks>
/// <para>Inputs: dataplane messages (<see cref="OnUpdate"/>, no I/O). <see cref="ApplyAsync"/> renders the desired
/// table (<see cref="NftablesRenderer"/>), compares it with what it last wrote (or, on the first apply and on
/// <see cref="ResyncAsync"/>, with what <c>nft -j list table</c> shows) and applies the difference as ONE
/// <c>nft -f -</c> transaction, so the kernel never sees a half-programmed state. The one exception is a fresh host's
/// first programming over the bare guard (<see cref="NftablesDelta.ComputeOverGuard"/>): nothing is live yet, so sets
/// and rules go in side by side and the dispatch last.</para>
/// <para>How a restarted agent recognises its objects: the table is Brindle's alone, and every rule carries a
/// <c>brindle:HASH</c> comment (a hash of the chain, the rule text and the rules before it). Rules whose hashes
/// match are left alone, so adopting a table from an earlier run changes nothing; objects the new run does not
/// want are removed only after <see cref="InSync"/>.</para>
/// <para>Failure: nft transactions are atomic. A failed apply leaves the kernel as it was, forgets the cached
/// kernel state (re-read next time) and throws <see cref="CommandFailedException"/>.</para>
/// </remarks>
public sealed partial class NftablesDataplane(ICommandRunner runner, string? networkNamespace = null, TimeProvider? time = null, ILogger? logger = null)
    : IDataplaneDriver, IWorkloadGuard
{
    public const string DriverName = "nftables";

    private readonly DataplaneModel _model = new();
    private readonly NftablesRenderer _renderer = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private NftTableState? _actual;
    private Task<(NftTableState State, bool Guarded)>? _reading;   // started by Prepare, taken by the next apply
    private ValueList<string>? _guardedPrefixes;   // workload prefixes of the base chains this instance last wrote
    private bool _dirty = true;
    private string? _verifiedListing;   // hash of `nft list table` when the kernel last matched _actual (nothing applied since)

    /// <summary>The state last written or read back (null until the first apply); for status and tests.</summary>
    public NftTableState? Actual => _actual;

    /// <summary>Endpoint chains (as last rendered) that drop everything because a policy or profile they use cannot be programmed.</summary>
    public IReadOnlySet<string> FailClosedChains => _renderer.FailClosedChains;

    /// <summary>The last script applied (empty if none); for logs and tests.</summary>
    public string LastScript { get; private set; } = "";

    /// <summary>Where the last apply that changed something spent its time (for the benchmark and debug logs).</summary>
    public NftApplyPhases LastPhases { get; private set; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public void OnUpdate(DataplaneMessage message)
    {
        if (_model.OnUpdate(message)) _dirty = true;
    }

    /// <summary>
    /// Reads the table ahead (off the caller's thread: starting processes is not free). When there is no table yet,
    /// also creates the guard (<see cref="NftablesRenderer.Guard"/>: every workload interface dropped), so that the
    /// first full programming can put routes in alongside its policy (<see cref="IWorkloadGuard"/>).
    /// </summary>
    public void Prepare(CancellationToken cancellationToken = default)
    {
        if (_actual is null) _reading ??= Task.Run(() => ReadOrGuardAsync(cancellationToken), cancellationToken);
    }

    public async Task<bool> GuardsWorkloadsAsync(CancellationToken cancellationToken = default)
    {
        var actual = await EnsureActualAsync(cancellationToken);
        return actual.TableExists && _guardedPrefixes is { } prefixes && prefixes.Equals(_model.Config.WorkloadInterfacePrefixes);
    }

    private async Task<NftTableState> EnsureActualAsync(CancellationToken cancellationToken)
    {
        if (_actual is not null) return _actual;
        var reading = _reading;
        _reading = null;   // taken: a failed read is not reused
        if (reading is null) return _actual = await ReadAsync(cancellationToken);
        var (state, guarded) = await reading;
        if (guarded) _guardedPrefixes = ConfigUpdate.Default.WorkloadInterfacePrefixes;
        return _actual = state;
    }

    private async Task<(NftTableState State, bool Guarded)> ReadOrGuardAsync(CancellationToken cancellationToken)
    {
        var state = await ReadAsync(cancellationToken);
        if (state.TableExists) return (state, false);
        var guard = NftablesDelta.Compute(NftablesRenderer.Guard(ConfigUpdate.Default), state, deleteStale: false);
        var result = await runner.RunAsync(CommandSpec.Of("nft", "-f", "-").WithInput(guard.Script).InNamespace(networkNamespace), cancellationToken);
        if (!result.Succeeded)
        {
            Log.ApplyFailed(_logger, result.StandardError.Trim());   // no guard: the first apply then goes first, alone
            return (state, false);
        }
        return (guard.After, true);
    }

    public async Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default)
    {
        if (!_dirty && _actual is not null) return ApplyReport.Unchanged(DriverName);
        var started = _time.GetTimestamp();
        var actual = await EnsureActualAsync(cancellationToken);
        var read = _time.GetTimestamp();
        var desired = _renderer.RenderIncremental(_model);
        var rendered = _time.GetTimestamp();
        // Over a bare guard (a fresh host's first programming) sets and rules go in side by side, then the dispatch.
        var split = NftablesDelta.ComputeOverGuard(desired, actual, deleteStale: _model.InSync);
        var delta = split?.Combined ?? NftablesDelta.Compute(desired, actual, deleteStale: _model.InSync);
        var diffed = _time.GetTimestamp();
        if (!delta.IsEmpty)
        {
            string[][] stages = split is null ? [[delta.Script]] : [[split.Sets.Script, split.Rules.Script], [split.Dispatch.Script]];
            foreach (var stage in stages)
            {
                var commands = stage.Where(s => s.Length > 0).Select(s => CommandSpec.Of("nft", "-f", "-").WithInput(s).InNamespace(networkNamespace)).ToList();
                var results = await Task.WhenAll(commands.Select(c => runner.RunAsync(c, cancellationToken)));
                var failed = Array.FindIndex(results, r => !r.Succeeded);
                if (failed < 0) continue;
                _actual = null;   // re-read before the next attempt (an earlier transaction of a split may have gone in)
                _guardedPrefixes = null;
                Log.ApplyFailed(_logger, results[failed].StandardError.Trim());
                results[failed].EnsureSuccess(commands[failed]);
            }
            LastScript = delta.Script;
            _verifiedListing = null;
            LastPhases = new(_time.GetElapsedTime(started, read), _time.GetElapsedTime(read, rendered), _time.GetElapsedTime(rendered, diffed), _time.GetElapsedTime(diffed));
        }
        _actual = delta.After;
        _guardedPrefixes = _model.Config.WorkloadInterfacePrefixes;   // the base chains now hold exactly these
        _dirty = false;
        var elapsed = _time.GetElapsedTime(started);
        if (!delta.IsEmpty) Log.Applied(_logger, delta.ChangedChains, delta.ChangedElements, elapsed.TotalMilliseconds);
        return new ApplyReport(DriverName, !delta.IsEmpty, delta.ChangedChains + delta.ChangedElements, elapsed);
    }

    /// <summary>Re-reads the table from the kernel and repairs any difference (rules deleted or edited by hand).</summary>
    /// <remarks>
    /// Cheap when nothing happened: the plain-text listing is hashed first, and if it is the listing last verified to
    /// match (no apply since), the JSON is neither read nor parsed nor diffed. A listing that differs in any way
    /// (a rule, element, chain or set changed by hand) leads to the full read and repair.
    /// </remarks>
    public async Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var listing = await ListingHashAsync(cancellationToken);
        if (!_dirty && _actual is not null && listing is not null && listing == _verifiedListing)
        {
            return new ApplyReport(DriverName, false, 0, _time.GetElapsedTime(started));
        }
        _actual = null;
        _reading = null;   // a read started before this resync is not fresh enough
        _guardedPrefixes = null;
        _dirty = true;
        var report = await ApplyAsync(cancellationToken);
        _verifiedListing = report.Changed ? null : listing;
        return report with { Duration = _time.GetElapsedTime(started) };
    }

    /// <summary>SHA-256 of <c>nft list table</c>'s text, or null when the table is missing or cannot be listed.</summary>
    private async Task<string?> ListingHashAsync(CancellationToken cancellationToken)
    {
        var command = CommandSpec.Of("nft", "list", "table", NftNames.Family, NftNames.Table).InNamespace(networkNamespace);
        var result = await runner.RunAsync(command, cancellationToken);
        return result.Succeeded ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(result.StandardOutput))) : null;
    }

    /// <summary>Reads Brindle's table; a missing table is an empty state.</summary>
    public async Task<NftTableState> ReadAsync(CancellationToken cancellationToken = default)
    {
        var command = CommandSpec.Of("nft", "-j", "list", "table", NftNames.Family, NftNames.Table).InNamespace(networkNamespace);
        var result = await runner.RunAsync(command, cancellationToken);
        if (!result.Succeeded)
        {
            if (result.StandardError.Contains("No such file or directory", StringComparison.Ordinal)) return NftTableState.Missing;
            result.EnsureSuccess(command);
        }
        return NftablesStateParser.Parse(result.StandardOutput);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "nftables: applied {ChangedChains} chains and {ChangedElements} elements in {Milliseconds} ms")]
        public static partial void Applied(ILogger logger, int changedChains, int changedElements, double milliseconds);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "nftables transaction failed; the kernel is unchanged and will be re-read: {Error}")]
        public static partial void ApplyFailed(ILogger logger, string error);
    }
}

/// <summary>One apply's time: waiting for the kernel's state (zero when known or read ahead), rendering, diffing, and the <c>nft</c> transaction.</summary>
public sealed record NftApplyPhases(TimeSpan Read, TimeSpan Render, TimeSpan Diff, TimeSpan Kernel)
{
    public TimeSpan Total => Read + Render + Diff + Kernel;
}
