using System.Globalization;
using Brindle.Datastore.Sqlite;
using Brindle.Platform;
using Brindle.Testing;

namespace Brindle.Datastore.Sqlite.Tests;

/// <summary>Several OS processes on one embedded store file (tests/Brindle.Datastore.Worker).</summary>
public sealed class SqliteMultiProcessTests : IDisposable
{
    private const int Workers = 4;
    private const int IncrementsPerWorker = 100;
    private readonly TempDirectory _dir = new("brindle-mp");

    public void Dispose() => _dir.Dispose();

    private static CommandSpec Worker(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Brindle.Datastore.Worker.dll"), .. args]) { Timeout = TimeSpan.FromMinutes(3) };

    [Fact]
    public async Task CasIncrementsFromManyProcesses_FinalValueExact_AndWatcherSeesEveryRevisionInOrder()
    {
        var db = _dir.Combine("shared.db");
        long start;
        await using (var store = SqliteKeyValueStore.Open(db))
        {
            start = (await store.CreateAsync("/counter", "0")).Revision;
        }
        const int total = Workers * IncrementsPerWorker;

        var watcher = ProcessCommandRunner.Instance.RunAsync(Worker("watch", db, "/counter", (start + 1).ToString(CultureInfo.InvariantCulture), total.ToString(CultureInfo.InvariantCulture)));
        var incrementers = Enumerable.Range(0, Workers)
            .Select(_ => ProcessCommandRunner.Instance.RunAsync(Worker("increment", db, "/counter", IncrementsPerWorker.ToString(CultureInfo.InvariantCulture))))
            .ToList();
        var results = await Task.WhenAll(incrementers);
        var watched = await watcher;

        Assert.All(results, r => Assert.True(r.Succeeded, r.StandardError));
        Assert.True(watched.Succeeded, watched.StandardError + watched.StandardOutput);
        await using (var store = SqliteKeyValueStore.Open(db))
        {
            var counter = (await store.GetAsync("/counter"))!;
            Assert.Equal(total.ToString(CultureInfo.InvariantCulture), counter.Value);
            Assert.Equal(start + total, counter.ModRevision);
        }
        var lines = watched.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = Enumerable.Range(1, total).Select(i => $"{start + i} {i}");
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task WatchInThisProcess_WokenByAnotherProcessWrite_Promptly()
    {
        var db = _dir.Combine("wake.db");
        await using var store = SqliteKeyValueStore.Open(db, new SqliteKeyValueStoreOptions { WatchPollInterval = TimeSpan.FromSeconds(30), NotifiedWatchPollInterval = TimeSpan.FromSeconds(30) });
        var created = await store.CreateAsync("/counter", "0");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = Task.Run(async () =>
        {
            await foreach (var e in store.WatchAsync("/counter", created.Revision + 1, cts.Token)) return e;
            return null;
        });

        var result = await ProcessCommandRunner.Instance.RunAsync(Worker("increment", db, "/counter", "1"));
        var e = await first;

        // The poll interval is 30 s: only the file notification can have delivered this within the 20 s budget.
        Assert.True(result.Succeeded, result.StandardError);
        Assert.Equal("1", e!.Value);
    }
}
