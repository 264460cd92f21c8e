using System.Text.Json;
using System.Text.Json.Serialization;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;

namespace Cdp.Core;

/// <summary>Source-generated serializers for everything on the hot path (events and documents).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(SegmentEvent))]
[JsonSerializable(typeof(List<SegmentEvent>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(TimelineEvent))]
[JsonSerializable(typeof(List<TimelineEvent>))]
[JsonSerializable(typeof(IdentityLink))]
[JsonSerializable(typeof(RejectedEvent))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(SegmentDocument))]
public sealed partial class CdpJsonContext : JsonSerializerContext;
