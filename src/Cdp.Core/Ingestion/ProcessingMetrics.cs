using System.Diagnostics.Metrics;

namespace Cdp.Core.Ingestion;

/// <summary>
/// Counters of the <c>Cdp.Processing</c> meter: how often hub batches are retried, waited on, set aside or handed back.
/// A sudden rise in any of them is worth an alert; dead letters need a person.
/// </summary>
public sealed class ProcessingMetrics : IDisposable
{
    public const string MeterName = "Cdp.Processing";

    private readonly Meter? _ownMeter;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _transientWaits;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _handedBack;

    /// <summary>Uses the host's meter factory when there is one (hosts built on HostApplicationBuilder), else a meter of its own.</summary>
    public ProcessingMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        _retries = meter.CreateCounter<long>("cdp.processing.retries", "{attempt}", "Attempts repeated after a non-transient failure (scope: batch or message)");
        _transientWaits = meter.CreateCounter<long>("cdp.processing.transient_waits", "{wait}", "Pauses waiting out a transient failure (scope: batch or message)");
        _deadLetters = meter.CreateCounter<long>("cdp.processing.dead_letters", "{message}", "Messages set aside as unprocessable (reason: not-an-event or processing-failed)");
        _handedBack = meter.CreateCounter<long>("cdp.processing.handed_back", "{message}", "Unfinished messages sent back to the queue when an invocation was interrupted");
    }

    public void Retried(string scope) => _retries.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void WaitedOutTransient(string scope) => _transientWaits.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void DeadLettered(string kind) => _deadLetters.Add(1, new KeyValuePair<string, object?>("reason", kind));

    public void HandedBack(int count) => _handedBack.Add(count);

    public void Dispose() => _ownMeter?.Dispose();
}
