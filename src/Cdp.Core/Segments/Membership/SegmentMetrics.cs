using System.Diagnostics.Metrics;

namespace Cdp.Core.Segments;

/// <summary>
/// Counters of the <c>Cdp.Segments</c> meter: transitions recorded and profiles held back from a destination by consent
/// (a member whose consent lacks a purpose the destination declares).
/// </summary>
public sealed class SegmentMetrics : IDisposable
{
    public const string MeterName = "Cdp.Segments";

    private readonly Meter? _ownMeter;
    private readonly Counter<long> _entered;
    private readonly Counter<long> _exited;
    private readonly Counter<long> _filtered;

    /// <summary>Uses the host's meter factory when there is one, else a meter of its own.</summary>
    public SegmentMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        _entered = meter.CreateCounter<long>("cdp.segments.entered", "{transition}", "Profiles that entered a segment");
        _exited = meter.CreateCounter<long>("cdp.segments.exited", "{transition}", "Profiles that left a segment");
        _filtered = meter.CreateCounter<long>(
            "cdp.segments.filtered_by_consent", "{evaluation}", "Evaluations of a member held back from a destination for lack of a consent purpose");
    }

    public void Recorded(MembershipOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Entered.Count > 0)
        {
            _entered.Add(outcome.Entered.Count);
        }

        if (outcome.Exited.Count > 0)
        {
            _exited.Add(outcome.Exited.Count);
        }

        if (outcome.FilteredByConsent)
        {
            _filtered.Add(1);
        }
    }

    public void Dispose() => _ownMeter?.Dispose();
}
