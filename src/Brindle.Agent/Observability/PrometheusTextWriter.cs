using System.Globalization;
using System.Text;

namespace Brindle.Agent.Observability;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): a <c># HELP</c> and <c># TYPE</c> line per family, then
/// its samples. Pure; names and help are ours (no escaping beyond what label values need).
/// </summary>
public sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public PrometheusTextWriter Gauge(string name, string help, double value) => Family(name, help, "gauge").Sample(name, null, value);

    public PrometheusTextWriter Counter(string name, string help, double value) => Family(name, help, "counter").Sample(name, null, value);

    /// <summary>One family whose samples differ by one label (e.g. <c>generation</c>).</summary>
    public PrometheusTextWriter Labelled(string name, string help, string type, string label, IEnumerable<(string LabelValue, double Value)> samples)
    {
        Family(name, help, type);
        foreach (var (labelValue, value) in samples) Sample(name, $"{label}=\"{Escape(labelValue)}\"", value);
        return this;
    }

    public PrometheusTextWriter Summary(string name, string help, SummarySnapshot summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Family(name, help, "summary");
        foreach (var (quantile, value) in summary.Quantiles) Sample(name, $"quantile=\"{Format(quantile)}\"", value);
        Sample(name + "_sum", null, summary.Sum);
        return Sample(name + "_count", null, summary.Count);
    }

    public override string ToString() => _text.ToString();

    public static string Format(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private PrometheusTextWriter Family(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    private PrometheusTextWriter Sample(string name, string? labels, double value)
    {
        _text.Append(name);
        if (labels is not null) _text.Append('{').Append(labels).Append('}');
        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    private static string Escape(string labelValue) =>
        labelValue.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
