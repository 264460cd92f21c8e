using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cdp.Core.Privacy;

/// <summary>Port: privacy request documents (container <c>privacy</c>). Writes are conditional on the ETag read.</summary>
public interface IPrivacyRequestStore
{
    Task<Versioned<PrivacyRequest>?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates the request; throws <see cref="ConcurrencyConflictException"/> if the id exists.</summary>
    Task<string> CreateAsync(PrivacyRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces the request if it still has <paramref name="etag"/>; else <see cref="ConcurrencyConflictException"/>.</summary>
    Task<string> ReplaceAsync(PrivacyRequest request, string etag, CancellationToken cancellationToken);

    /// <summary>Requests, newest received first; pass the token back for the next page.</summary>
    Task<PrivacyRequestPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>A pending or in-progress request with this <see cref="PrivacyRequest.RequestHash"/>, or null.</summary>
    Task<PrivacyRequest?> FindUnfinishedByHashAsync(string requestHash, CancellationToken cancellationToken);
}

public sealed record PrivacyRequestPage(IReadOnlyList<PrivacyRequest> Requests, string? ContinuationToken);

/// <summary>
/// An identity whose events are dropped at ingest. <see cref="Key"/> comes from <see cref="SuppressionKeys"/>: a keyed
/// hash distinct from the identity id, so the list itself never holds the subject's raw value or identity hash.
/// </summary>
/// <param name="RequestId">The erasure request that added it: unsuppressing the subject lifts every entry it added.</param>
public sealed record SuppressionEntry(string Key, string RequestId, DateTimeOffset CreatedAt);

/// <summary>Port: the suppression list (documents <c>suppress:{key}</c> in container <c>privacy</c>).</summary>
public interface ISuppressionList
{
    /// <summary>Adds the entries; a key already listed keeps its entry (idempotent).</summary>
    Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken);

    /// <summary>The entries among <paramref name="keys"/>: one batched read, on the ingest path.</summary>
    Task<IReadOnlyList<SuppressionEntry>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task<IReadOnlyList<SuppressionEntry>> ListByRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Removes the keys; returns how many were listed. Removing a key that is not listed is not an error.</summary>
    Task<int> RemoveAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}

/// <summary>
/// One line of the privacy audit trail. Holds ids, actions and counts, never personal data.
/// <see cref="Id"/> makes appends idempotent: a step that runs again after a crash does not log twice.
/// </summary>
/// <param name="ActorId">An API client or role id, or "workflow"; never a name or email.</param>
/// <param name="Outcome">One of <see cref="PrivacyAuditOutcomes"/>.</param>
/// <param name="Detail">Counts or a reason, without personal data.</param>
public sealed record PrivacyAuditEntry(
    string Id, DateTimeOffset At, string RequestId, string Action, string ActorId, string Outcome, string? Detail = null);

public static class PrivacyAuditOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}

/// <summary>Port: the append-only audit trail of privacy requests.</summary>
public interface IPrivacyAuditLog
{
    /// <summary>Appends the entry unless one with its id exists. Entries are never changed or removed.</summary>
    Task AppendAsync(PrivacyAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>A request's entries, oldest first.</summary>
    Task<IReadOnlyList<PrivacyAuditEntry>> ListAsync(string requestId, CancellationToken cancellationToken);
}

/// <summary>Port: files in the document areas of <see cref="DocumentAreas"/> (blob containers in Azure, folders locally).</summary>
public interface IDocumentArea
{
    /// <summary>Writes (or overwrites) a file.</summary>
    Task WriteAsync(string area, string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string area, string path, CancellationToken cancellationToken);

    /// <summary>Deletes a file; false when there was none.</summary>
    Task<bool> DeleteAsync(string area, string path, CancellationToken cancellationToken);

    /// <summary>Paths in <paramref name="area"/> starting with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string area, string prefix, CancellationToken cancellationToken);
}

/// <summary>
/// Lineage: a profile's data went to <see cref="Destination"/> (an export, a webhook, the subject's own access package).
/// Erasure deletes the file we still hold and flags the record, so downstream systems can be told to delete too.
/// </summary>
/// <param name="Id">Unique per profile and delivery, e.g. "{exportId}:{profileId}"; recording it again replaces it.</param>
/// <param name="File">The file we wrote, if any.</param>
/// <param name="ErasureRequestId">Set by erasure: the request that flagged this delivery for downstream deletion.</param>
/// <param name="Fields">The names of the fields that left (e.g. userId, email), when the sender knows them.</param>
/// <param name="Segment">The segment whose membership was sent, for audience deliveries.</param>
public sealed record ExportRecord(
    string Id,
    string ProfileId,
    string Destination,
    DateTimeOffset ExportedAt,
    DocumentRef? File = null,
    string? ErasureRequestId = null,
    DateTimeOffset? FlaggedAt = null,
    IReadOnlyList<string>? Fields = null,
    string? Segment = null);

/// <summary>Port: the export ledger (what was sent where), read by profile id.</summary>
public interface IExportLedger
{
    /// <summary>Adds the record, or replaces the one with its id.</summary>
    Task RecordAsync(ExportRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<ExportRecord>> ListByProfileAsync(string profileId, CancellationToken cancellationToken);
}

/// <summary>A request's status changed; POSTed to its callback URLs.</summary>
public sealed record PrivacyStatusChange(
    string RequestId, string Status, DateTimeOffset At, string? ResultsUrl, IReadOnlyList<string> CallbackUrls)
{
    /// <summary>One of <see cref="PrivacyRequestTypes"/>: decides between <c>results_url</c> and <c>certificate_url</c>.</summary>
    public string? Type { get; init; }

    /// <summary>OpenDSR requires it in every callback; carried here so delivering needs no read of the request.</summary>
    public DateTimeOffset? ExpectedCompletionTime { get; init; }

    public string? GroupId { get; init; }

    /// <summary>The change of <paramref name="request"/> to <paramref name="status"/>, with what its callback reports.</summary>
    public static PrivacyStatusChange Of(PrivacyRequest request, string status, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PrivacyStatusChange(request.Id, status, at, request.ResultsUrl, request.StatusCallbackUrls)
        {
            Type = request.Type,
            ExpectedCompletionTime = request.ExpectedCompletionTime,
            GroupId = request.GroupId,
        };
    }
}

/// <summary>
/// The suppression list at a glance (<c>GET /api/privacy/suppression</c>): identities listed, and events dropped at
/// ingest because of them, or null where the host keeps no such count.
/// </summary>
public sealed record SuppressionSummary(
    long SuppressedIdentities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? SuppressedEvents);

/// <summary>Port: counts over the suppression list, read only by the privacy API (never on the ingest path).</summary>
public interface ISuppressionStatistics
{
    Task<SuppressionSummary> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Port: tells the requester's systems that a request's status changed (OpenDSR status callbacks). Delivery is the
/// implementation's business (signing, retrying, an outbox): an unreachable callback URL must not throw here.
/// </summary>
public interface IPrivacyStatusNotifier
{
    Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken);
}

/// <summary>
/// Port for a feature that keeps its own records about profiles (segment memberships, ...). Every registered one is
/// read into access packages and erased by erasure, so adding such a feature cannot leave a subject's data behind.
/// </summary>
public interface IProfileRecordSource
{
    /// <summary>The store's name in certificates and access packages, e.g. "segmentMemberships".</summary>
    string Name { get; }

    /// <summary>The records held about the profile (empty when none).</summary>
    Task<IReadOnlyList<JsonElement>> ReadAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>Deletes the records held about the profile; returns how many went. Idempotent.</summary>
    Task<int> EraseAsync(string profileId, CancellationToken cancellationToken);
}
