using System.Text.Json.Serialization;
using Cdp.Core.Ingestion;

namespace Cdp.Local;

/// <summary>The answer to an ingestion request: Segment's <c>success</c> flag plus what was accepted and refused.</summary>
public sealed record IngestResponse(
    bool Success,
    int? Accepted = null,
    string? Error = null,
    IReadOnlyList<RejectedEvent>? Rejected = null);

/// <summary>An error from a read API.</summary>
public sealed record ErrorResponse(string Error);

/// <summary>The health probe: the host answers, and how many accepted events wait for processing.</summary>
public sealed record HealthResponse(string Status, long Outbox);

/// <summary>Source-generated serializers for the local host's own responses (Core's documents use <c>CdpJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(Cdp.Core.Identity.MergeRequest))]
public sealed partial class LocalJsonContext : JsonSerializerContext;
