using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The export ledger in its own container, <c>exports</c> (partition key <c>/profileId</c>): every delivery of a
/// profile's data lies in that profile's partition, so erasure reads them with one single-partition query however many
/// exports the platform has made. Record ids may hold '/' (file paths), so a document's id is their SHA-256.
/// </summary>
internal sealed class CosmosExportLedger(Container container) : IExportLedger
{
    internal const string AllInPartitionQuery = "SELECT * FROM c";

    private static readonly ItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    public async Task RecordAsync(ExportRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.ProfileId);
        var document = ExportRecordDocument.From(record);
        await container.UpsertItemAsync(document, new PartitionKey(record.ProfileId), WriteOptions, cancellationToken);
    }

    public async Task<IReadOnlyList<ExportRecord>> ListByProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(profileId) };
        var found = await container.GetItemQueryIterator<ExportRecordDocument>(new QueryDefinition(AllInPartitionQuery), null, options)
            .ReadAllAsync(cancellationToken);
        return found.Select(d => d.ToRecord()).OrderBy(r => r.ExportedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    internal static string DocumentId(string recordId) => PrivacyDocumentKinds.Sha256(recordId);
}

/// <summary>One ledger record as stored: the record's fields, its own id as <c>recordId</c>.</summary>
internal sealed record ExportRecordDocument(
    string Id,
    string RecordId,
    string ProfileId,
    string Destination,
    DateTimeOffset ExportedAt,
    DocumentRef? File,
    string? ErasureRequestId,
    DateTimeOffset? FlaggedAt,
    IReadOnlyList<string>? Fields = null,
    string? Segment = null)
{
    public static ExportRecordDocument From(ExportRecord record) => new(
        CosmosExportLedger.DocumentId(record.Id), record.Id, record.ProfileId, record.Destination, record.ExportedAt, record.File,
        record.ErasureRequestId, record.FlaggedAt, record.Fields, record.Segment);

    public ExportRecord ToRecord() => new(RecordId, ProfileId, Destination, ExportedAt, File, ErasureRequestId, FlaggedAt, Fields, Segment);
}
