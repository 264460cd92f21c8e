using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Privacy;

/// <summary>
/// Everything held on a subject, written to <c>access-packages/{requestId}.json</c> for an access or portability
/// request (portability adds <c>access-packages/{requestId}.ndjson</c> with the events, one per line).
/// </summary>
public sealed record AccessPackage
{
    public required string RequestId { get; init; }
    public required string Regulation { get; init; }
    public required string RequestType { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Every identifier held for the subject, as type and value.</summary>
    public List<SubjectIdentity> Identities { get; init; } = [];

    /// <summary>The subject's live profile documents: traits, identifiers, computed traits, consent, history.</summary>
    public List<Profile> Profiles { get; init; } = [];

    /// <summary>Consent per profile: the current answers and every change.</summary>
    public List<ProfileConsent> Consent { get; init; } = [];

    /// <summary>Merges that formed the profiles, oldest first.</summary>
    public List<ProfileHistoryEntry> MergeHistory { get; init; } = [];

    /// <summary>The timeline, newest first.</summary>
    public List<TimelineEvent> Timeline { get; init; } = [];

    /// <summary>Records other features keep (segment memberships, ...), by store name.</summary>
    public Dictionary<string, List<JsonElement>> OtherRecords { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Where the subject's data was sent.</summary>
    public List<ExportRecord> Exports { get; init; } = [];
}

public sealed record ProfileConsent(string ProfileId, Dictionary<string, ConsentState> Current, List<ConsentHistoryEntry> History);
