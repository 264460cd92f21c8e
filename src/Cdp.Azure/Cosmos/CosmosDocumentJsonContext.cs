using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Cdp.Azure.Destinations;
using Cdp.Azure.Ingestion;
using Cdp.Azure.Privacy;
using Cdp.Azure.Profiles;
using Cdp.Azure.Segments;

namespace Cdp.Azure.Cosmos;

/// <summary>
/// Source-generated metadata for the documents only the Cosmos adapters write (Core's own documents, the profile,
/// timeline events and identity links, come from <c>CdpJsonContext</c>). Same shape as
/// <see cref="CosmosClientFactory.SerializerOptions"/>: camelCase, nulls left out, enums as strings.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DedupEntry))]
[JsonSerializable(typeof(CosmosTimelineStore.RawBlobReference))]
[JsonSerializable(typeof(SuppressionDocument))]
[JsonSerializable(typeof(AuditDocument))]
[JsonSerializable(typeof(ExportRecordDocument))]
[JsonSerializable(typeof(DeliveryDocument))]
[JsonSerializable(typeof(CosmosDeliveryQueue.DeliveryKey))]
[JsonSerializable(typeof(StoredSegment))]
[JsonSerializable(typeof(MemberDocument))]
[JsonSerializable(typeof(ConsentArchiveDocument))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CosmosDocumentJsonContext : JsonSerializerContext;
