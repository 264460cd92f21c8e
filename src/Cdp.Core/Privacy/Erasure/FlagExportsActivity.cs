using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Deletes the files we still hold that carried the subject's data (exports, earlier access packages) and flags each
/// delivery in the ledger, so the destinations can be told to delete too.
/// </summary>
public sealed class FlagExportsActivity(PrivacyRequestDocuments requests, IExportLedger ledger, IDocumentArea documents, TimeProvider time)
    : IActivity<PrivacyWorkflowInput, ExportsFlagged>
{
    public const string ActivityName = "FlagExports";

    public string Name => ActivityName;

    public async Task<ExportsFlagged> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        int files = 0, flagged = 0;
        var destinations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var profileId in request.ProfileIds)
        {
            foreach (var record in await ledger.ListByProfileAsync(profileId, cancellationToken))
            {
                if (record.File is { } file && await documents.DeleteAsync(file.Area, file.Path, cancellationToken))
                {
                    files++;
                }

                if (record.ErasureRequestId is null)
                {
                    await ledger.RecordAsync(record with { ErasureRequestId = input.RequestId, FlaggedAt = time.GetUtcNow() }, cancellationToken);
                    flagged++;
                }

                if (record.ErasureRequestId is null || record.ErasureRequestId == input.RequestId)
                {
                    destinations.Add(record.Destination);
                }
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "exports_flagged", PrivacyAuditOutcomes.Succeeded,
            $"{flagged} deliveries flagged, {destinations.Count} destination(s), {files} file(s) deleted", cancellationToken);
        return new ExportsFlagged(new() { [PrivacyStores.ExportFiles] = files, [PrivacyStores.ExportRecords] = flagged }, [.. destinations]);
    }
}
