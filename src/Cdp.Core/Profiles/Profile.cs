using System.Text.Json;

namespace Cdp.Core.Profiles;

/// <summary>
/// The profile document (container <c>profiles</c>, partition key <c>/id</c>). It is the only place
/// raw identifier values are kept, so erasing a person starts here.
/// </summary>
public sealed record Profile
{
    public required string Id { get; init; }
    public Dictionary<string, TraitValue> Traits { get; init; } = new(StringComparer.Ordinal);
    public List<ProfileIdentifier> Identifiers { get; init; } = [];
    public ComputedTraits Computed { get; init; } = new();
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set on a tombstone: the profile this one was merged into.</summary>
    public string? MergedInto { get; set; }

    /// <summary>Raw archive blobs holding this profile's events, so erasure rewrites only those.</summary>
    public List<string> RawBlobs { get; init; } = [];

    /// <summary>
    /// The last messageIds applied to this profile. Together with the dedup store this makes a redelivered
    /// batch harmless even if the process died between writing the profile and marking the messages done.
    /// </summary>
    public List<string> RecentMessageIds { get; init; } = [];

    /// <summary>Incremented on every write; shown to users, not used for concurrency (the ETag is).</summary>
    public long Version { get; set; }
}

/// <summary>A trait's value with when and from which source it was last set (survivorship needs both).</summary>
public sealed record TraitValue(JsonElement Value, DateTimeOffset UpdatedAt, string Source);

/// <summary>An identifier on the profile: raw value plus the identity id (type and keyed hash).</summary>
public sealed record ProfileIdentifier(string Type, string Value, string IdentityId, DateTimeOffset FirstSeen);

/// <summary>Traits the platform computes from events on ingest.</summary>
public sealed record ComputedTraits
{
    public DateTimeOffset? FirstSeen { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public long EventCount { get; set; }

    /// <summary>Count per event: track calls by event name, other calls by type (page, screen, identify, ...).</summary>
    public Dictionary<string, long> EventCounts { get; init; } = new(StringComparer.Ordinal);
}
