using System.Net;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The append-only audit trail in the <c>privacy</c> container. Entry ids ("{requestId}/1/started") hold '/', which
/// Cosmos DB ids may not, so a document's id is <c>audit:{sha256 of the entry id}</c>; creating it twice is a no-op.
/// Nothing here replaces or deletes an entry.
/// </summary>
internal sealed class CosmosPrivacyAuditLog(Container container) : IPrivacyAuditLog
{
    internal const string ByRequestQuery = "SELECT * FROM c WHERE c.kind = 'audit' AND c.requestId = @requestId";

    private const string IdPrefix = "audit:";

    private static readonly ItemRequestOptions CreateOptions = new() { EnableContentResponseOnWrite = false };

    public async Task AppendAsync(PrivacyAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var document = AuditDocument.From(entry);
        try
        {
            await container.CreateItemAsync(document, new PartitionKey(document.Id), CreateOptions, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // A step that ran again after a crash: its line is there already and stays as first written.
        }
    }

    public async Task<IReadOnlyList<PrivacyAuditEntry>> ListAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var query = new QueryDefinition(ByRequestQuery).WithParameter("@requestId", requestId);
        var found = await container.GetItemQueryIterator<AuditDocument>(query).ReadAllAsync(cancellationToken);

        // Sorted here rather than by the query: a request has tens of lines, and no composite index is then needed.
        return found.OrderBy(d => d.At).ThenBy(d => d.EntryId, StringComparer.Ordinal).Select(d => d.ToEntry()).ToList();
    }

    internal static string DocumentId(string entryId) => IdPrefix + PrivacyDocumentKinds.Sha256(entryId);
}

/// <summary>One audit line as stored; <c>entryId</c> is the entry's own id.</summary>
internal sealed record AuditDocument(
    string Id, string Kind, string EntryId, DateTimeOffset At, string RequestId, string Action, string ActorId, string Outcome, string? Detail)
{
    public static AuditDocument From(PrivacyAuditEntry entry) => new(
        CosmosPrivacyAuditLog.DocumentId(entry.Id), PrivacyDocumentKinds.Audit, entry.Id, entry.At, entry.RequestId, entry.Action, entry.ActorId,
        entry.Outcome, entry.Detail);

    public PrivacyAuditEntry ToEntry() => new(EntryId, At, RequestId, Action, ActorId, Outcome, Detail);
}
