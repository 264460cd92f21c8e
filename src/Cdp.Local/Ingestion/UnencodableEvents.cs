using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Ingestion;

namespace Cdp.Local.Ingestion;

/// <summary>
/// Core's parser accepts JSON strings holding an escaped unpaired surrogate (<c>"\ud800"</c>), which System.Text.Json
/// then refuses to write out again, so queueing such an event throws. Until Core refuses them at intake, the host
/// moves exactly those events to the rejected list (by their index in the request) instead of failing the request.
/// </summary>
public static class UnencodableEvents
{
    public const string Reason = "contains a string that is not valid Unicode (an unpaired \\uD800-\\uDFFF escape)";

    /// <summary>Returns false when every event can be written: the failure had another cause and must not be hidden.</summary>
    public static bool TryRemove(IntakeResult result, IngestRoute route, out IntakeResult repaired)
    {
        ArgumentNullException.ThrowIfNull(result);
        var refused = result.Rejected.Select(r => r.Index).ToHashSet();
        var kept = new List<SegmentEvent>(result.Accepted.Count);
        var rejected = new List<RejectedEvent>(result.Rejected);
        var index = 0;
        foreach (var e in result.Accepted)
        {
            // Accepted events keep request order; their indexes are the ones validation did not refuse.
            while (refused.Contains(index))
            {
                index++;
            }

            if (CanWrite(e))
            {
                kept.Add(e);
            }
            else
            {
                rejected.Add(new RejectedEvent(index, Reason));
            }

            index++;
        }

        if (kept.Count == result.Accepted.Count)
        {
            repaired = result;
            return false;
        }

        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        repaired = kept.Count > 0
            ? new IntakeResult(IntakeStatus.Accepted, null, kept, rejected)
            : new IntakeResult(IntakeStatus.Invalid, route == IngestRoute.Batch ? "no valid events in batch" : Reason, kept, rejected);
        return true;
    }

    private static bool CanWrite(SegmentEvent e)
    {
        try
        {
            JsonSerializer.SerializeToUtf8Bytes(e, CdpJsonContext.Default.SegmentEvent);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
