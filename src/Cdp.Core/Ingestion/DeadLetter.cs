namespace Cdp.Core.Ingestion;

/// <summary>
/// A queue message that was set aside because it can never be processed: the raw text exactly as it arrived, why,
/// and where it came from. Written as one JSON document per message.
/// </summary>
public sealed record DeadLetter
{
    /// <summary>The message text as the hub delivered it (it may not be JSON at all).</summary>
    public required string Message { get; init; }

    /// <summary>One of <see cref="DeadLetterKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The reader's reason, or the last exception as "Type: message".</summary>
    public required string Reason { get; init; }

    /// <summary>Processing attempts made on the message alone (0 when it is not an event and was never tried).</summary>
    public required int Attempts { get; init; }

    public required DateTimeOffset DeadLetteredAt { get; init; }

    /// <summary>Position in the delivered batch, and the batch's size.</summary>
    public required int Index { get; init; }

    public required int BatchSize { get; init; }

    /// <summary>The event's messageId when the message was read as an event.</summary>
    public string? MessageId { get; init; }

    /// <summary>The hub partition and the message's sequence number there, when the trigger supplies them.</summary>
    public string? PartitionId { get; init; }

    public long? SequenceNumber { get; init; }

    /// <summary>When the hub first accepted the message; the same on every redelivery, unlike <see cref="DeadLetteredAt"/>.</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }
}

/// <summary>Why a message was dead-lettered; also the <c>reason</c> tag of the dead-letter metric.</summary>
public static class DeadLetterKinds
{
    /// <summary>The reader rejected it: not JSON, not an event, or an event that fails validation.</summary>
    public const string NotAnEvent = "not-an-event";

    /// <summary>Processing it alone failed every attempt with an error that is not transient.</summary>
    public const string ProcessingFailed = "processing-failed";
}

/// <summary>Where a hub batch came from, as far as the trigger knows (any part may be unknown).</summary>
/// <param name="PartitionId">The hub partition.</param>
/// <param name="SequenceNumbers">Each message's sequence number, in batch order.</param>
/// <param name="EnqueuedTimes">When the hub accepted each message, in batch order.</param>
public sealed record HubBatchOrigin(string? PartitionId, IReadOnlyList<long>? SequenceNumbers, IReadOnlyList<DateTimeOffset>? EnqueuedTimes)
{
    public static readonly HubBatchOrigin Unknown = new(null, null, null);

    public long? SequenceNumberAt(int index) => At(SequenceNumbers, index);

    public DateTimeOffset? EnqueuedAt(int index) => At(EnqueuedTimes, index);

    private static T? At<T>(IReadOnlyList<T>? values, int index)
        where T : struct =>
        values is not null && index >= 0 && index < values.Count ? values[index] : null;
}
