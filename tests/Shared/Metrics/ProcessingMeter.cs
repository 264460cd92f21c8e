using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.Metrics;

/// <summary>
/// Records what the <c>Cdp.Processing</c> meter measures — its counters and its time per processing step — with each
/// measurement's one tag. Given a meter factory, only the meters that factory made, so parallel tests do not mix;
/// without one (the benchmark, where one rig runs at a time), every meter of that name.
/// </summary>
internal sealed class ProcessingMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, string? Tag)> _measurements = new();

    public ProcessingMeter(IMeterFactory? scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProcessingMetrics.MeterName && (scope is null || ReferenceEquals(instrument.Meter.Scope, scope)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of a counter, optionally only where its one tag has <paramref name="tag"/>.</summary>
    public long Total(string name, string? tag = null) =>
        (long)_measurements.Where(m => m.Name == name && (tag is null || m.Tag == tag)).Sum(m => m.Value);

    /// <summary>Every measurement of <paramref name="name"/> in the order recorded, with its tag (a histogram's phase).</summary>
    public IReadOnlyList<(string? Tag, double Value)> Of(string name) =>
        _measurements.Where(m => m.Name == name).Select(m => (m.Tag, m.Value)).ToList();

    /// <summary>Forgets what was recorded so far.</summary>
    public void Clear() => _measurements.Clear();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? tag = null;
        foreach (var t in tags)
        {
            tag = t.Value?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, tag));
    }
}
