using System.Text.Json;

namespace Cdp.Core.Profiles;

/// <summary>One event on a profile's timeline (container <c>events</c>, partition key <c>/profileId</c>, id = messageId).</summary>
public sealed record TimelineEvent
{
    public required string Id { get; init; }
    public required string ProfileId { get; init; }
    public required string Type { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public string? SourceId { get; init; }
    public Dictionary<string, JsonElement>? Properties { get; init; }

    /// <summary>The subset of context worth keeping on a timeline (page, campaign, channel, library).</summary>
    public Dictionary<string, JsonElement>? Context { get; init; }
}

/// <summary>A page of a timeline, newest first; pass the token back for the next page.</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineEvent> Events, string? ContinuationToken);
