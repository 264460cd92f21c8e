using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cdp.Core.Ingestion;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>Records the <c>Cdp.Processing</c> counters of one harness (its own meter factory), so parallel tests do not mix.</summary>
internal sealed class ProcessingMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, long Value, string? Tag)> _measurements = new();

    public ProcessingMeter(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProcessingMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tag = null;
            foreach (var t in tags)
            {
                tag = t.Value?.ToString();
            }

            _measurements.Enqueue((instrument.Name, value, tag));
        });
        _listener.Start();
    }

    /// <summary>The sum of a counter, optionally only where its one tag has <paramref name="tag"/>.</summary>
    public long Total(string name, string? tag = null) =>
        _measurements.Where(m => m.Name == name && (tag is null || m.Tag == tag)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
