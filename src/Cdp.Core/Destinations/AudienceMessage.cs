using System.Buffers;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;

namespace Cdp.Core.Destinations;

/// <summary>
/// One delivery as it leaves, built from the profile when it is sent: who (the profile's <c>userId</c> and
/// <c>anonymousId</c>; the profile id as <c>anonymousId</c> when it has neither, since Segment's spec needs one of them)
/// and exactly the mapped fields.
/// </summary>
public sealed record AudienceMessage(AudienceDelivery Delivery, string? UserId, string? AnonymousId, IReadOnlyList<MappedField> Fields)
{
    public const string EnteredEvent = "Audience Entered";
    public const string ExitedEvent = "Audience Exited";

    public string EventName => Delivery.Kind == AudienceDeliveryKinds.Exited ? ExitedEvent : EnteredEvent;

    /// <summary>The names of what left, for the export ledger: the ids sent and the mapped fields.</summary>
    public IReadOnlyList<string> FieldNames =>
        new[] { UserId is null ? null : IdentifierTypes.UserId, AnonymousId is null ? null : IdentifierTypes.AnonymousId }
            .OfType<string>().Concat(Fields.Select(f => f.Name)).Distinct(StringComparer.Ordinal).ToList();

    public static AudienceMessage For(AudienceDelivery delivery, Profile profile, FieldMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(mapping);
        var (userId, anonymousId) = IdsOf(profile);
        return new AudienceMessage(delivery, userId, anonymousId, mapping.Read(profile));
    }

    /// <summary>Who a profile is to a destination: its newest userId and anonymousId, the profile id when it has neither.</summary>
    public static (string? UserId, string? AnonymousId) IdsOf(Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var userId = Newest(profile, IdentifierTypes.UserId);
        return (userId, Newest(profile, IdentifierTypes.AnonymousId) ?? (userId is null ? profile.Id : null));
    }

    /// <summary>
    /// The webhook body: <c>{"batch":[...]}</c> of Segment-spec track events (Segment's batch API shape). Mapped fields go
    /// in <c>context.traits</c>, where Segment puts a user's traits on a track call; audience key and name in
    /// <c>properties</c>; <c>messageId</c> is the delivery id, the receiver's key for idempotency.
    /// </summary>
    public static byte[] Batch(IEnumerable<AudienceMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batch");
            foreach (var message in messages)
            {
                message.WriteEvent(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The track event alone (one NDJSON line of a change file).</summary>
    public void WriteEvent(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("type", "track");
        writer.WriteString("event", EventName);
        writer.WriteString("messageId", Delivery.Id);
        writer.WriteString("timestamp", Delivery.At);
        if (UserId is not null)
        {
            writer.WriteString("userId", UserId);
        }

        if (AnonymousId is not null)
        {
            writer.WriteString("anonymousId", AnonymousId);
        }

        writer.WriteStartObject("properties");
        writer.WriteString("audience_key", Delivery.SegmentKey);
        writer.WriteString("audience_name", Delivery.SegmentName);
        writer.WriteEndObject();
        writer.WriteStartObject("context");
        writer.WriteStartObject("traits");
        foreach (var field in Fields)
        {
            writer.WritePropertyName(field.Name);
            field.Value.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? Newest(Profile profile, string type) =>
        profile.Identifiers.Where(i => i.Type == type).OrderByDescending(i => i.FirstSeen).FirstOrDefault()?.Value;
}
