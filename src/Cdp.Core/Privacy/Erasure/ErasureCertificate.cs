namespace Cdp.Core.Privacy;

/// <summary>
/// Proof that an erasure-type request was carried out, written to <c>certificates/{requestId}.json</c>. It holds no
/// personal data: identity types but no values, counts but no ids. Whoever holds the original request can recompute
/// <see cref="RequestHash"/> (with the deployment's pepper) to show the certificate is about it.
/// </summary>
public sealed record ErasureCertificate
{
    public required string RequestId { get; init; }
    public required string RequestHash { get; init; }
    public required string Regulation { get; init; }
    public required string SuppressionMode { get; init; }
    public List<string> IdentityTypes { get; init; } = [];
    public DateTimeOffset SubmittedTime { get; init; }
    public DateTimeOffset ReceivedTime { get; init; }
    public DateTimeOffset? StartedTime { get; init; }
    public DateTimeOffset CompletedTime { get; init; }

    /// <summary>What was done, per store: documents deleted, files rewritten, entries added or removed.</summary>
    public Dictionary<string, int> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Destinations the subject's data had been sent to, flagged for downstream deletion.</summary>
    public List<string> ExportDestinations { get; init; } = [];

    public required ErasureVerification Verification { get; init; }
}

/// <summary>
/// The result of scanning the stores for the subject after an erasure round: traces found per store (zero
/// everywhere when <see cref="Clean"/>).
/// </summary>
public sealed record ErasureVerification(bool Clean, DateTimeOffset CheckedAt, Dictionary<string, int> Traces)
{
    /// <summary>Resolve-delete-verify rounds it took.</summary>
    public int Rounds { get; init; } = 1;
}

/// <summary>The names used for stores in certificate counts and verification traces.</summary>
public static class PrivacyStores
{
    public const string Profiles = "profiles";
    public const string Identities = "identities";
    public const string TimelineEvents = "timelineEvents";

    /// <summary>Archived consent changes (the older ones a profile document no longer carries).</summary>
    public const string ConsentHistory = "consentHistory";
    public const string DedupEntries = "dedupEntries";
    public const string RawEventFiles = "rawEventFiles";
    public const string RawEvents = "rawEvents";
    public const string SuppressionEntries = "suppressionEntries";
    public const string ExportFiles = "exportFiles";
    public const string ExportRecords = "exportRecords";
}
