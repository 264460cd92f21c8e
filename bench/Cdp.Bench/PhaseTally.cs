using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Cdp.Core.Ingestion;

namespace Cdp.Bench;

/// <summary>
/// Adds up <c>cdp.processing.phase.duration</c> while a figure is measured, to say where a consumer's time went: per
/// event, each step of <see cref="ProcessingPhases"/>, and what the clock saw outside them (intake in the Core pipeline
/// figure; the transaction's commit in the SQLite one). Only one rig processes while a figure is measured, so every
/// meter named <see cref="ProcessingMetrics.MeterName"/> is this figure's.
/// </summary>
internal sealed class PhaseTally : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _seconds = new(StringComparer.Ordinal);

    public PhaseTally()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProcessingMetrics.MeterName && instrument.Name == ProcessingMetrics.PhaseDurationName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "phase" && tag.Value is string phase)
                {
                    _seconds.AddOrUpdate(phase, seconds, (_, total) => total + seconds);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Forgets what was recorded so far (the warm-up).</summary>
    public void Reset() => _seconds.Clear();

    /// <summary>"µs an event: read 25.1, write 28.3, …; outside the steps 41.0 (what that is)", largest step first.</summary>
    public string Describe(long events, TimeSpan elapsed, string outside)
    {
        var perEvent = ProcessingPhases.All.ToDictionary(p => p, p => _seconds.GetValueOrDefault(p) * 1e6 / events, StringComparer.Ordinal);
        var rest = elapsed.TotalMilliseconds * 1e3 / events - perEvent.Values.Sum();
        var steps = string.Join(", ", perEvent.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N1}")));
        return string.Create(CultureInfo.InvariantCulture, $"µs an event by step: {steps}; outside the steps {rest:N1} ({outside})");
    }

    public void Dispose() => _listener.Dispose();
}
