namespace Cdp.Core.Segments;

/// <summary>
/// One membership change to send to one destination. Holds ids only (raw identifiers stay in the profile document):
/// the message is built from the profile when it is sent.
/// </summary>
/// <param name="Id">Deterministic: "{segmentKey}:{profileId}:{destination}:{seq}". It is the webhook-id, so a retry
/// or a redelivery after a crash carries the same id (the receiver's idempotency key).</param>
/// <param name="Kind">One of <see cref="AudienceDeliveryKinds"/>.</param>
public sealed record AudienceDelivery(
    string Id, string Destination, string SegmentKey, string SegmentName, string ProfileId, string Kind, DateTimeOffset At);

public static class AudienceDeliveryKinds
{
    public const string Entered = "entered";
    public const string Exited = "exited";
}

/// <summary>Port: hands membership changes to the destinations' delivery queue (idempotent by <see cref="AudienceDelivery.Id"/>).</summary>
public interface IAudienceActivation
{
    Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken);
}

/// <summary>What membership evaluation needs to know of a configured destination.</summary>
/// <param name="Purposes">Consent purposes a profile must have granted (all of them) to be sent.</param>
public sealed record DestinationSummary(string Key, string Type, IReadOnlyList<string> Purposes);

/// <summary>Port: the configured destinations (from <c>Cdp:Destinations</c>).</summary>
public interface IDestinationDirectory
{
    IReadOnlyList<DestinationSummary> All { get; }

    DestinationSummary? Find(string key);
}
