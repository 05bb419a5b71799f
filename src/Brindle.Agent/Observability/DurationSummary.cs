namespace Brindle.Agent.Observability;

/// <summary>Count, sum and quantiles of a summary as of one scrape (quantiles are NaN when the window is empty).</summary>
public sealed record SummarySnapshot(long Count, double Sum, IReadOnlyList<(double Quantile, double Value)> Quantiles);

/// <summary>
/// A Prometheus summary of durations in seconds, like client_golang's that Felix uses: a total count and sum, and the
/// 0.5/0.9/0.99 quantiles over the observations of the last <see cref="MaxAge"/> (at most <see cref="Capacity"/> of
/// them, the newest kept). Exact quantiles of that window (nearest rank), computed on scrape; thread-safe.
/// </summary>
public sealed class DurationSummary(TimeProvider time)
{
    public const int Capacity = 1024;

    /// <summary>client_golang's default MaxAge.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    public static readonly IReadOnlyList<double> Objectives = [0.5, 0.9, 0.99];

    private readonly Lock _lock = new();
    private readonly long[] _stamps = new long[Capacity];
    private readonly double[] _values = new double[Capacity];
    private int _next;
    private int _filled;
    private long _count;
    private double _sum;

    public void Observe(double seconds)
    {
        var stamp = time.GetTimestamp();
        lock (_lock)
        {
            _stamps[_next] = stamp;
            _values[_next] = seconds;
            _next = (_next + 1) % Capacity;
            _filled = Math.Min(_filled + 1, Capacity);
            _count++;
            _sum += seconds;
        }
    }

    public SummarySnapshot Snapshot()
    {
        var window = new List<double>();
        long count;
        double sum;
        lock (_lock)
        {
            count = _count;
            sum = _sum;
            for (var i = 0; i < _filled; i++)
            {
                if (time.GetElapsedTime(_stamps[i]) <= MaxAge) window.Add(_values[i]);
            }
        }
        window.Sort();
        var quantiles = Objectives.Select(q => (q, window.Count == 0 ? double.NaN : window[Math.Max(0, (int)Math.Ceiling(q * window.Count) - 1)])).ToList();
        return new SummarySnapshot(count, sum, quantiles);
    }
}
