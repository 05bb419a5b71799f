using System.Diagnostics;
using System.Globalization;

namespace Brindle.Agent.Observability;

/// <summary>The standard <c>process_*</c> metrics (and the .NET GC's), read from <c>/proc/self</c> and the runtime at scrape time.</summary>
public static class ProcessMetrics
{
    private static readonly double StartTime = Process.GetCurrentProcess().StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds;

    public static PrometheusTextWriter Write(PrometheusTextWriter text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (virtualBytes, residentBytes) = ReadStatm();
        return text
            .Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes)
            .Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", virtualBytes)
            .Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", Environment.CpuUsage.TotalTime.TotalSeconds)
            .Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", StartTime)
            .Gauge("process_open_fds", "Number of open file descriptors.", CountOpenFds())
            .Gauge("dotnet_total_memory_bytes", "Bytes currently allocated on the managed heap.", GC.GetTotalMemory(false))
            .Labelled("dotnet_collection_count_total", "GC collection count.", "counter", "generation",
                Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => (g.ToString(CultureInfo.InvariantCulture), (double)GC.CollectionCount(g))));
    }

    /// <summary>Virtual and resident size from <c>/proc/self/statm</c> (pages); NaN where it cannot be read.</summary>
    private static (double Virtual, double Resident) ReadStatm()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            var page = (double)Environment.SystemPageSize;
            return (long.Parse(fields[0], CultureInfo.InvariantCulture) * page, long.Parse(fields[1], CultureInfo.InvariantCulture) * page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (double.NaN, double.NaN);
        }
    }

    private static double CountOpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}
