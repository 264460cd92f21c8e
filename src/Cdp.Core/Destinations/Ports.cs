using Cdp.Core.Segments;
namespace Cdp.Core.Destinations;

/// <summary>Where a queued delivery stands.</summary>
public static class DeliveryStates
{
    /// <summary>Waiting for its next attempt (<see cref="QueuedDelivery.NextAttemptAt"/>), or leased by a pump.</summary>
    public const string Queued = "queued";

    public const string Sent = "sent";

    /// <summary>Given up: tried <c>MaxAttempts</c> times, or refused by the receiver; redrive puts it back.</summary>
    public const string DeadLettered = "deadLettered";

    /// <summary>Not sent because there was nothing to send: the profile was erased or is missing, or consent was withdrawn.</summary>
    public const string Dropped = "dropped";
}

/// <summary>
/// A delivery in the queue: the ids of <see cref="AudienceDelivery"/> and its progress. No personal data: the message is
/// built from the profile when it is sent.
/// </summary>
/// <param name="LeasedUntil">Set while a pump holds it; once passed, another pump (or the same after a restart) may take it.</param>
/// <param name="Reason">Why the last attempt failed, or why it was dead-lettered or dropped.</param>
/// <param name="UpdatedAt">When its state last changed (dead-lettered, sent, dropped).</param>
public sealed record QueuedDelivery(
    AudienceDelivery Delivery,
    string State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? LeasedUntil = null,
    string? Reason = null,
    DateTimeOffset? UpdatedAt = null);

public sealed record DeadLetterPage(IReadOnlyList<QueuedDelivery> Items, string? ContinuationToken);

/// <summary>How many deliveries of a destination wait and how many are dead-lettered.</summary>
public sealed record DeliveryCounts(long Queued, long DeadLettered);

/// <summary>
/// Port: the delivery queue (a SQLite table locally, Cosmos container <c>deliveries</c> with partition key
/// <c>/destination</c> in Azure). Every change is keyed by delivery id within its destination.
/// </summary>
public interface IDeliveryQueue
{
    /// <summary>Queues the deliveries, due now. An id already queued, sent, dropped or dead-lettered is left as it is.</summary>
    Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="max"/> queued deliveries of one destination that are due at <paramref name="now"/> and
    /// not leased, oldest due first, and leases them until <paramref name="leaseUntil"/>: no other pump takes them meanwhile.
    /// </summary>
    Task<IReadOnlyList<QueuedDelivery>> LeaseDueAsync(
        string destination, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    Task MarkSentAsync(string destination, IReadOnlyCollection<string> ids, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Counts an attempt, keeps the reason, releases the lease and makes them due at <paramref name="nextAttemptAt"/>.</summary>
    Task RecordFailureAsync(
        string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Counts an attempt and dead-letters them with the reason.</summary>
    Task DeadLetterAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Closes them without sending (<see cref="DeliveryStates.Dropped"/>) with the reason.</summary>
    Task DropAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Dead letters of a destination, oldest first; pass the token back for the next page.</summary>
    Task<DeadLetterPage> ListDeadLettersAsync(string destination, int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>
    /// Puts dead letters back (all of the destination's, or those of <paramref name="ids"/>), due at <paramref name="now"/>
    /// with their attempts reset. Returns how many went back; ids that are not dead letters are ignored.
    /// </summary>
    Task<int> RedriveAsync(string destination, IReadOnlyCollection<string>? ids, DateTimeOffset now, CancellationToken cancellationToken);

    Task<DeliveryCounts> CountAsync(string destination, CancellationToken cancellationToken);

    /// <summary>Deletes every delivery of the profile, whatever its state or destination (erasure). Returns how many went.</summary>
    Task<int> DeleteByProfileAsync(string profileId, CancellationToken cancellationToken);
}
