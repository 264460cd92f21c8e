using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Cdp.Core.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Azure.Destinations;

/// <summary>
/// One delivery in the <c>deliveries</c> container (partition key <c>/destination</c>). Times the queries compare are
/// Unix milliseconds (<see cref="DueAt"/>, <see cref="LeasedUntil"/>: 0 when not leased, <see cref="UpdatedAt"/>). The
/// document id is the SHA-256 of the delivery id, which may hold characters Cosmos DB ids refuse.
/// </summary>
internal sealed record DeliveryDocument(
    string Id,
    string Destination,
    string ProfileId,
    string State,
    int Attempts,
    long DueAt,
    long LeasedUntil,
    long UpdatedAt,
    string? Reason,
    AudienceDelivery Delivery)
{
    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public static DeliveryDocument Queued(AudienceDelivery delivery) => new(
        IdOf(delivery.Id), delivery.Destination, delivery.ProfileId, DeliveryStates.Queued, 0,
        delivery.At.ToUnixTimeMilliseconds(), 0, delivery.At.ToUnixTimeMilliseconds(), null, delivery);

    public static string IdOf(string deliveryId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)));

    public QueuedDelivery ToQueued() => new(
        Delivery,
        State,
        Attempts,
        DateTimeOffset.FromUnixTimeMilliseconds(DueAt),
        LeasedUntil == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(LeasedUntil),
        Reason,
        DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
}
