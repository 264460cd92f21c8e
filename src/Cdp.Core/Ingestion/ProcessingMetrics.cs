using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cdp.Core.Ingestion;

/// <summary>
/// The <c>Cdp.Processing</c> meter. Counters: how often hub batches are retried, waited on, set aside or handed back; a
/// sudden rise in any of them is worth an alert, dead letters need a person. One histogram: how long each step of a
/// processed batch took (<see cref="ProcessingPhases"/>), so a slow consumer shows which store or which work it waits on.
/// </summary>
public sealed class ProcessingMetrics : IDisposable
{
    public const string MeterName = "Cdp.Processing";

    public const string PhaseDurationName = "cdp.processing.phase.duration";

    private readonly Meter? _ownMeter;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _transientWaits;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _handedBack;
    private readonly Histogram<double> _phaseDuration;

    /// <summary>Uses the host's meter factory when there is one (hosts built on HostApplicationBuilder), else a meter of its own.</summary>
    public ProcessingMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        _retries = meter.CreateCounter<long>("cdp.processing.retries", "{attempt}", "Attempts repeated after a non-transient failure (scope: batch or message)");
        _transientWaits = meter.CreateCounter<long>("cdp.processing.transient_waits", "{wait}", "Pauses waiting out a transient failure (scope: batch or message)");
        _deadLetters = meter.CreateCounter<long>("cdp.processing.dead_letters", "{message}", "Messages set aside as unprocessable (reason: not-an-event or processing-failed)");
        _handedBack = meter.CreateCounter<long>("cdp.processing.handed_back", "{message}", "Unfinished messages sent back to the queue when an invocation was interrupted");
        _phaseDuration = meter.CreateHistogram<double>(
            PhaseDurationName, "s", "Time one batch spent in one step of processing (phase: screen, read, resolve, archive, write or mark)");
    }

    public void Retried(string scope) => _retries.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void WaitedOutTransient(string scope) => _transientWaits.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void DeadLettered(string kind) => _deadLetters.Add(1, new KeyValuePair<string, object?>("reason", kind));

    public void HandedBack(int count) => _handedBack.Add(count);

    /// <summary>Records the time since <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>) against one of <see cref="ProcessingPhases"/>.</summary>
    public void PhaseEnded(string phase, long startedAt) =>
        _phaseDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("phase", phase));

    public void Dispose() => _ownMeter?.Dispose();
}

/// <summary>The steps of processing a batch, as the <c>phase</c> tag of <see cref="ProcessingMetrics.PhaseDurationName"/> names them.</summary>
public static class ProcessingPhases
{
    /// <summary>Dropping repeats, messages already processed, placeholders and erased subjects; hashing identifiers.</summary>
    public const string Screen = "screen";

    /// <summary>The bulk reads of links and profiles before resolution.</summary>
    public const string Read = "read";

    /// <summary>Identity decisions and applying each event to its person's profile in memory.</summary>
    public const string Resolve = "resolve";

    /// <summary>Writing the raw archive file.</summary>
    public const string Archive = "archive";

    /// <summary>Writing timelines, profiles, links and merge requests.</summary>
    public const string Write = "write";

    /// <summary>Marking the batch's messages processed.</summary>
    public const string Mark = "mark";

    public static readonly IReadOnlyList<string> All = [Screen, Read, Resolve, Archive, Write, Mark];
}
