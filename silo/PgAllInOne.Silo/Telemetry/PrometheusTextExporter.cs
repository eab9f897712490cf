using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace PgAllInOne.Silo.Telemetry;

/// <summary>
/// Writes the MeterProvider's metrics in the Prometheus text exposition format (0.0.4) when /metrics collects them:
/// names with dots as underscores and the unit as suffix, counters with <c>_total</c>, histograms as cumulative
/// <c>_bucket{le}</c>, <c>_sum</c> and <c>_count</c>, every series labelled with the silo.
/// </summary>
public sealed class PrometheusTextExporter(string silo) : BaseExporter<Metric>
{
    public string Text { get; private set; } = "";

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var text = new StringBuilder();
        foreach (var metric in batch)
        {
            Write(text, metric);
        }

        Text = text.ToString();
        return ExportResult.Success;
    }

    private void Write(StringBuilder text, Metric metric)
    {
        var name = Name(metric);
        var (type, suffix) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", "_total"),
            MetricType.Histogram => ("histogram", ""),
            _ => ("gauge", ""),
        };
        text.Append("# HELP ").Append(name).Append(suffix).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(suffix).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        Sample(text, name + "_bucket", labels, $"le=\"{le}\"", cumulative.ToString(CultureInfo.InvariantCulture));
                    }

                    Sample(text, name + "_sum", labels, null, Number(point.GetHistogramSum()));
                    Sample(text, name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(text, name + suffix, labels, null, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(text, name + suffix, labels, null, Number(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    Sample(text, name, labels, null, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleGauge:
                    Sample(text, name, labels, null, Number(point.GetGaugeLastValueDouble()));
                    break;
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, string? extra, string value)
    {
        text.Append(name).Append('{').Append(labels);
        if (extra is not null)
        {
            text.Append(',').Append(extra);
        }

        text.Append("} ").Append(value).Append('\n');
    }

    private string Labels(ReadOnlyTagCollection tags)
    {
        var labels = new StringBuilder().Append("silo=\"").Append(EscapeLabel(silo)).Append('"');
        foreach (var tag in tags)
        {
            labels.Append(',').Append(Sanitize(tag.Key)).Append("=\"").Append(EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }

        return labels.ToString();
    }

    /// <summary>OpenTelemetry's name and unit as a Prometheus metric name (pgaio.grain.call.duration, ms → pgaio_grain_call_duration_milliseconds).</summary>
    public static string Name(Metric metric)
    {
        var name = Sanitize(metric.Name);
        var unit = metric.Unit switch
        {
            "ms" => "milliseconds",
            "s" => "seconds",
            "By" => "bytes",
            null or "" or "1" => null,
            var other when other.StartsWith('{') => null, // annotations such as {request} are not units
            var other => Sanitize(other),
        };
        return unit is null || name.EndsWith("_" + unit, StringComparison.Ordinal) ? name : name + "_" + unit;
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':') || (i == 0 && char.IsAsciiDigit(c)))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string? value) => (value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
