using System.Text.Json.Serialization;
using Cdp.Core.Segments;

namespace Cdp.Core.Destinations;

/// <summary>Source-generated serializers for delivery documents and the values mapped fields carry.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(AudienceDelivery))]
[JsonSerializable(typeof(QueuedDelivery))]
[JsonSerializable(typeof(RedriveRequest))]
public sealed partial class DestinationJsonContext : JsonSerializerContext;
