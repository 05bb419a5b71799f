using System.Globalization;
using Brindle.Datastore.Sqlite;

namespace Brindle.Datastore.Worker;

/// <summary>
/// A second (third, …) process on the embedded store, for the multi-process tests:
/// <list type="bullet">
/// <item><c>increment DB KEY COUNT</c>: COUNT compare-and-swap increments of the integer at KEY; prints the retries.</item>
/// <item><c>watch DB PREFIX FROM TARGET</c>: prints "REVISION VALUE" for every put under PREFIX from revision FROM,
/// until a value equals TARGET.</item>
/// </list>
/// </summary>
internal static class Program
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["increment", var db, var key, var count]:
                await using (var store = SqliteKeyValueStore.Open(db))
                {
                    var retries = 0;
                    for (var i = 0; i < int.Parse(count, CultureInfo.InvariantCulture); i++)
                    {
                        while (true)
                        {
                            var current = await store.GetAsync(key) ?? throw new InvalidOperationException($"{key} is missing");
                            var next = (long.Parse(current.Value, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                            if ((await store.UpdateAsync(key, next, current.ModRevision)).Succeeded) break;
                            retries++;
                        }
                    }
                    Console.WriteLine($"retries {retries}");
                    return 0;
                }
            case ["watch", var db, var prefix, var from, var target]:
                await using (var store = SqliteKeyValueStore.Open(db))
                {
                    using var cts = new CancellationTokenSource(WatchTimeout);
                    await foreach (var e in store.WatchAsync(prefix, long.Parse(from, CultureInfo.InvariantCulture), cts.Token))
                    {
                        Console.WriteLine($"{e.Revision} {e.Value}");
                        if (e.Value == target) return 0;
                    }
                    return 1;
                }
            default:
                await Console.Error.WriteLineAsync("usage: increment DB KEY COUNT | watch DB PREFIX FROM TARGET");
                return 2;
        }
    }
}
