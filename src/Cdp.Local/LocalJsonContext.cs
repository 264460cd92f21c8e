using System.Text.Json.Serialization;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;

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

/// <summary>A page of a profile's timeline, newest first.</summary>
/// <summary>A profile's merges and identifier decisions, oldest first (identifiers by type and hash only).</summary>
public sealed record ProfileHistoryResponse(string ProfileId, IReadOnlyList<ProfileHistoryEntry> History);

public sealed record TimelinePageResponse(string ProfileId, IReadOnlyList<TimelineEvent> Events, string? Continuation);

/// <summary>Source-generated serializers for the local host's own responses (Core's documents use <c>CdpJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(TimelinePageResponse))]
[JsonSerializable(typeof(ProfileHistoryResponse))]
[JsonSerializable(typeof(Cdp.Core.Identity.MergeRequest))]
public sealed partial class LocalJsonContext : JsonSerializerContext;
