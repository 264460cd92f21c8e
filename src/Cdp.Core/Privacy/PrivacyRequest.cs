using System.Text.Json.Serialization;

namespace Cdp.Core.Privacy;

/// <summary>
/// A privacy request (container <c>privacy</c>, partition key <c>/id</c>), id = the OpenDSR <c>subject_request_id</c>.
/// Raw identities are personal data: they are kept only while the request is pending or in progress and removed
/// when it completes or is cancelled, so that afterwards no store holds them for this request.
/// </summary>
public sealed record PrivacyRequest
{
    /// <summary>The <c>subject_request_id</c>: a UUID in lower-case "D" form, the idempotency key.</summary>
    public required string Id { get; init; }

    /// <summary>One of <see cref="PrivacyRegulations"/>.</summary>
    public required string Regulation { get; init; }

    /// <summary>One of <see cref="PrivacyRequestTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The OpenDSR v3 <c>group_id</c> the controller gave, echoed in status answers and callbacks; null when none.</summary>
    public string? GroupId { get; init; }

    /// <summary>One of <see cref="SuppressionModes"/> for erasure requests; null for access and portability.</summary>
    public string? SuppressionMode { get; init; }

    /// <summary>One of <see cref="PrivacyRequestStatuses"/>.</summary>
    public required string Status { get; init; }

    public DateTimeOffset SubmittedTime { get; init; }
    public DateTimeOffset ReceivedTime { get; init; }
    public DateTimeOffset ExpectedCompletionTime { get; init; }
    public DateTimeOffset? StartedTime { get; init; }
    public DateTimeOffset? CompletedTime { get; init; }
    public DateTimeOffset? CancelledTime { get; init; }

    /// <summary>Keyed hash of the canonical request (regulation, type, mode, identities): finds identical requests, and
    /// lets whoever holds the same request show that a certificate is about it.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The identity types the subject was named by (no values): kept for the record after completion.</summary>
    public List<string> IdentityTypes { get; init; } = [];

    /// <summary>The identities given in the request, normalized. Removed on completion or cancellation.</summary>
    public List<SubjectIdentity> SubjectIdentities { get; init; } = [];

    /// <summary>Further identifiers found on the subject's profiles while resolving. Removed on completion.</summary>
    public List<SubjectIdentity> LinkedIdentities { get; init; } = [];

    /// <summary>Profiles (live and merged tombstones) the subject resolved to, kept while in progress so a retried
    /// workflow still finds what an earlier attempt half deleted. Removed on completion.</summary>
    public List<string> ProfileIds { get; init; } = [];

    /// <summary>Raw archive files holding the subject's events (the profiles' raw archive references). Removed on completion.</summary>
    public List<string> RawBlobs { get; init; } = [];

    public List<string> StatusCallbackUrls { get; init; } = [];

    /// <summary>Who submitted it: an API client or role id from authentication, never a person's name or email.</summary>
    public required string ActorId { get; init; }

    /// <summary>Which run of the workflow this is; a request whose workflow failed is started again on re-submission.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Why the last workflow run failed (OpenDSR has no failed status: the request stays in progress).</summary>
    public string? Error { get; init; }

    /// <summary>The relative API path serving <see cref="Results"/>, once completed.</summary>
    public string? ResultsUrl { get; init; }

    /// <summary>The files this request produced: the certificate, or the access package (JSON, plus NDJSON for portability).</summary>
    public List<DocumentRef> Results { get; init; } = [];

    [JsonIgnore]
    public bool IsFinished => Status is PrivacyRequestStatuses.Completed or PrivacyRequestStatuses.Cancelled;

    /// <summary>The workflow instance of attempt <see cref="Attempt"/>: deterministic, so starting it twice is a no-op.</summary>
    public string WorkflowInstanceId() => Attempt <= 1 ? "privacy-" + Id : $"privacy-{Id}-{Attempt}";

    /// <summary>Every identity known for the subject: given and found.</summary>
    public IEnumerable<SubjectIdentity> AllIdentities() => SubjectIdentities.Concat(LinkedIdentities).Distinct();

    /// <summary>This request with every trace of the subject removed: what is kept once it is finished.</summary>
    public PrivacyRequest WithoutSubject() =>
        this with { SubjectIdentities = [], LinkedIdentities = [], ProfileIds = [], RawBlobs = [] };
}

/// <summary>One identity of the subject: a supported identifier type and its normalized value.</summary>
public sealed record SubjectIdentity(string Type, string Value);

/// <summary>A file in a document area (see <see cref="DocumentAreas"/>).</summary>
public sealed record DocumentRef(string Area, string Path, string ContentType);

public static class PrivacyRegulations
{
    public const string Gdpr = "gdpr";
    public const string Ccpa = "ccpa";

    public static readonly IReadOnlyList<string> All = [Gdpr, Ccpa];
}

public static class PrivacyRequestTypes
{
    public const string Erasure = "erasure";
    public const string Access = "access";
    public const string Portability = "portability";

    public static readonly IReadOnlyList<string> All = [Erasure, Access, Portability];
}

/// <summary>The OpenDSR statuses. A failed workflow leaves the request <see cref="InProgress"/> with an error.</summary>
public static class PrivacyRequestStatuses
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

/// <summary>What an erasure request does, as in Segment's regulations.</summary>
public static class SuppressionModes
{
    /// <summary>Drop the subject's future events; keep what is stored.</summary>
    public const string SuppressOnly = "suppress_only";

    /// <summary>Drop future events and delete what is stored (the default).</summary>
    public const string SuppressWithDelete = "suppress_with_delete";

    /// <summary>Delete what is stored; future events are accepted again.</summary>
    public const string DeleteOnly = "delete_only";

    /// <summary>Lift an earlier suppression of the subject.</summary>
    public const string Unsuppress = "unsuppress";

    public static readonly IReadOnlyList<string> All = [SuppressOnly, SuppressWithDelete, DeleteOnly, Unsuppress];

    public static bool Suppresses(string? mode) => mode is SuppressOnly or SuppressWithDelete;

    public static bool Deletes(string? mode) => mode is SuppressWithDelete or DeleteOnly;
}

/// <summary>The document areas (blob containers in Azure, folders locally) privacy requests write to and erase from.</summary>
public static class DocumentAreas
{
    public const string Exports = "exports";
    public const string AccessPackages = "access-packages";
    public const string Certificates = "certificates";

    public static readonly IReadOnlyList<string> All = [Exports, AccessPackages, Certificates];
}
