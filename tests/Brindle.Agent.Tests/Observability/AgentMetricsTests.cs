using System.Globalization;
using Brindle.Dataplane;
using CsCheck;

namespace Brindle.Agent.Observability.Tests;

public sealed class AgentMetricsTests
{
    /// <summary>name (with labels) → value, for every sample line; asserts every family is announced by HELP and TYPE first.</summary>
    internal static Dictionary<string, double> Parse(string exposition)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal)) typed.Add(line.Split(' ')[2]);
            if (line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            var name = line[..space];
            var family = name.Split('{')[0];
            Assert.True(typed.Contains(family) || typed.Contains(family.Replace("_sum", "", StringComparison.Ordinal).Replace("_count", "", StringComparison.Ordinal)),
                $"sample {name} before its # TYPE");
            samples.Add(name, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
        }
        return samples;
    }

    [Fact]
    public void Render_AfterWork_FelixNamedGaugesCountersAndSummaries()
    {
        var time = new ManualTime();
        var metrics = new AgentMetrics(time);
        var calc = metrics.CalculationStarting();
        time.Advance(TimeSpan.FromMilliseconds(250));
        metrics.CalculationFinished(calc, updates: 7);
        metrics.DatastoreInSync();
        var apply = metrics.ApplyStarting();
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.ApplyFinished(apply, new ApplyReport("x", true, 1, TimeSpan.FromSeconds(2)), resync: true, new AgentHealthTests.NoDataplane());
        metrics.ApplyFailed(metrics.ApplyStarting(), "boom");

        var samples = Parse(metrics.Render(new AgentGauges(LocalEndpoints: 3, ActivePolicies: 2, ActiveProfiles: 1, ActiveIPSets: 4, DatastoreLists: 1)));

        Assert.Equal(3, samples["felix_active_local_endpoints"]);
        Assert.Equal(2, samples["felix_active_local_policies"]);
        Assert.Equal(4, samples["felix_ipsets_calico"]);
        Assert.Equal(1, samples["brindle_active_local_profiles"]);
        Assert.Equal(1, samples["felix_resyncs_started"]);
        Assert.Equal(3, samples["felix_resync_state"]);
        Assert.Equal(1, samples["felix_int_dataplane_failures"]);
        Assert.Equal(1, samples["brindle_dataplane_resyncs"]);
        Assert.Equal(7, samples["felix_calc_graph_updates_processed"]);
        Assert.Equal(1, samples["felix_calc_graph_update_time_seconds_count"]);
        Assert.Equal(0.25, samples["felix_calc_graph_update_time_seconds_sum"], 6);
        Assert.Equal(0.25, samples["felix_calc_graph_update_time_seconds{quantile=\"0.5\"}"], 6);
        Assert.Equal(2, samples["felix_int_dataplane_apply_time_seconds_count"]);   // the failed apply is timed too
        Assert.Equal(2, samples["felix_int_dataplane_apply_time_seconds{quantile=\"0.99\"}"], 6);
        Assert.True(samples["process_resident_memory_bytes"] > 1_000_000);
        Assert.True(samples["process_open_fds"] > 0);
    }

    [Fact]
    public void Render_BeforeAnything_ResyncStateInProgressAndQuantilesNaN()
    {
        var samples = Parse(new AgentMetrics(new ManualTime()).Render(new AgentGauges(0, 0, 0, 0, 0)));
        Assert.Equal(2, samples["felix_resync_state"]);
        Assert.True(double.IsNaN(samples["felix_int_dataplane_apply_time_seconds{quantile=\"0.5\"}"]));
        Assert.Equal(0, samples["felix_int_dataplane_apply_time_seconds_count"]);
    }

    [Fact]
    public void DurationSummary_ObservationsOlderThanMaxAge_LeaveTheQuantilesButNotTheCount()
    {
        var time = new ManualTime();
        var summary = new DurationSummary(time);
        summary.Observe(5);
        time.Advance(DurationSummary.MaxAge + TimeSpan.FromSeconds(1));
        summary.Observe(1);
        var snapshot = summary.Snapshot();
        Assert.Equal(2, snapshot.Count);
        Assert.Equal(6, snapshot.Sum);
        Assert.All(snapshot.Quantiles, q => Assert.Equal(1, q.Value));
    }

    [Fact]
    public void DurationSummary_Quantiles_AreNearestRankOfTheNewestWindow()
    {
        Gen.Double[0, 100].Array[1, 3 * DurationSummary.Capacity].Sample(values =>
        {
            var summary = new DurationSummary(new ManualTime());
            foreach (var v in values) summary.Observe(v);
            var window = values.TakeLast(DurationSummary.Capacity).Order().ToArray();
            var snapshot = summary.Snapshot();
            Assert.Equal(values.Length, snapshot.Count);
            foreach (var (q, value) in snapshot.Quantiles)
            {
                var rank = (int)Math.Ceiling(q * window.Length);
                Assert.Equal(window[Math.Max(rank, 1) - 1], value);
                Assert.True(window.Count(v => v <= value) >= q * window.Length);   // at least q of the window is at or below it
            }
        });
    }

    [Fact]
    public void PrometheusTextWriter_EscapesLabelValuesAndFormatsSpecialValues()
    {
        var text = new PrometheusTextWriter()
            .Labelled("x_total", "help with \\ and\nnewline", "counter", "path", [("a\"b\\c", 1.5), ("inf", double.PositiveInfinity)])
            .ToString();
        Assert.Contains("# HELP x_total help with \\\\ and\\nnewline\n", text, StringComparison.Ordinal);
        Assert.Contains("x_total{path=\"a\\\"b\\\\c\"} 1.5\n", text, StringComparison.Ordinal);
        Assert.Contains("x_total{path=\"inf\"} +Inf\n", text, StringComparison.Ordinal);
    }
}
