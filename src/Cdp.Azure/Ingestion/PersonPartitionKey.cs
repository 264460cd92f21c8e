using Cdp.Core.Events;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// The Event Hubs partition key of an event: the person it belongs to, so one person's events land in one partition
/// and are processed in the order they were accepted.
/// </summary>
internal static class PersonPartitionKey
{
    /// <remarks>
    /// <c>userId</c> when present (it is on identify, track and the rest once a person is known), else
    /// <c>anonymousId</c>. An alias (<c>previousId</c> → <c>userId</c>) is keyed by <c>userId</c>, the identity that
    /// survives: the alias then sits in the stream every later event of that user travels in, so the merge it asks
    /// for is requested before any of them is processed. The anonymous stream it closes may still have events in
    /// flight in another partition; they find the merged profile through the identity link and its
    /// <c>mergedInto</c> pointer, and trait survivorship goes by timestamp, so their late arrival changes nothing.
    /// Keying the alias by <c>previousId</c> instead would order it after the anonymous events but let the user's
    /// next events overtake it, which splits the profile until the merge catches up.
    /// </remarks>
    public static string For(SegmentEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return FirstPresent(e.UserId, e.AnonymousId, e.PreviousId)
            ?? e.MessageId
            ?? throw new ArgumentException("an accepted event has a person identifier or at least a messageId", nameof(e));
    }

    private static string? FirstPresent(params ReadOnlySpan<string?> ids)
    {
        foreach (var id in ids)
        {
            if (!string.IsNullOrEmpty(id))
            {
                return id;
            }
        }

        return null;
    }
}
