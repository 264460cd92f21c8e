using System.Globalization;
using Cdp.Core.Ingestion;
using Cdp.Tests.Metrics;

namespace Cdp.Bench;

/// <summary>
/// Adds up <c>cdp.processing.phase.duration</c> while a figure is measured, to say where a consumer's time went: per
/// event, each step of <see cref="ProcessingPhases"/>, and what the clock saw outside them (intake in the Core pipeline
/// figure; the transaction's commit in the SQLite one). Only one rig processes while a figure is measured, so every
/// meter named <see cref="ProcessingMetrics.MeterName"/> is this figure's.
/// </summary>
internal sealed class PhaseTally : IDisposable
{
    private readonly ProcessingMeter _recorded = new(scope: null);

    /// <summary>Forgets what was recorded so far (the warm-up).</summary>
    public void Reset() => _recorded.Clear();

    /// <summary>"µs an event: read 25.1, write 28.3, …; outside the steps 41.0 (what that is)", largest step first.</summary>
    public string Describe(long events, TimeSpan elapsed, string outside)
    {
        var phases = _recorded.Of(ProcessingMetrics.PhaseDurationName);
        var perEvent = ProcessingPhases.All.ToDictionary(
            p => p, p => phases.Where(m => m.Tag == p).Sum(m => m.Value) * 1e6 / events, StringComparer.Ordinal);
        var rest = elapsed.TotalMilliseconds * 1e3 / events - perEvent.Values.Sum();
        var steps = string.Join(", ", perEvent.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N1}")));
        return string.Create(CultureInfo.InvariantCulture, $"µs an event by step: {steps}; outside the steps {rest:N1} ({outside})");
    }

    public void Dispose() => _recorded.Dispose();
}
