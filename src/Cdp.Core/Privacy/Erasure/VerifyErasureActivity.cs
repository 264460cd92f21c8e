using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Scans every store for the subject through the ports: profiles, timelines and archived consent changes by the resolved
/// ids, identity links by the identity ids, the rewritten raw files line by line (raw values and identity hashes), other features' records,
/// the export ledger and files; and the suppression list against the mode. Returns traces per store.
/// </summary>
public sealed class VerifyErasureActivity(
    PrivacyRequestDocuments requests,
    IProfileStore profiles,
    ITimelineStore timeline,
    IConsentArchive consentArchive,
    IIdentityIndex identities,
    IRawEventArchive archive,
    IExportLedger ledger,
    IDocumentArea documents,
    ISuppressionList suppressions,
    IEnumerable<IProfileRecordSource> sources,
    SuppressionKeys keys,
    SubjectMatchers matchers,
    TimeProvider time) : IActivity<PrivacyWorkflowInput, ErasureVerification>
{
    public const string ActivityName = "VerifyErasure";

    /// <summary>Trace name: identities of the subject that should be suppressed but are not (or are, after unsuppress).</summary>
    public const string SuppressionMismatches = "suppressionMismatches";

    public string Name => ActivityName;

    public async Task<ErasureVerification> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var mode = request.SuppressionMode;
        var traces = new Dictionary<string, int>(StringComparer.Ordinal);
        var suppressionKeys = (mode == SuppressionModes.Unsuppress ? request.SubjectIdentities : request.AllIdentities()).Select(keys.For).Distinct().ToList();
        var listed = (await suppressions.FindAsync(suppressionKeys, cancellationToken)).Count;
        traces[SuppressionMismatches] = mode switch
        {
            SuppressionModes.Unsuppress => listed,
            _ when SuppressionModes.Suppresses(mode) => suppressionKeys.Count - listed,
            _ => 0,
        };

        if (SuppressionModes.Deletes(mode))
        {
            await ScanStoresAsync(request, traces, cancellationToken);
        }

        var verification = new ErasureVerification(traces.Values.All(t => t == 0), time.GetUtcNow(), traces);
        await requests.AuditAsync(input.RequestId, input.Attempt, "verified", verification.Clean ? PrivacyAuditOutcomes.Succeeded : PrivacyAuditOutcomes.Failed,
            string.Join(", ", traces.Where(t => t.Value > 0).Select(t => $"{t.Key}={t.Value}")), cancellationToken);
        return verification;
    }

    private async Task ScanStoresAsync(PrivacyRequest request, Dictionary<string, int> traces, CancellationToken ct)
    {
        int profileTraces = 0, timelineTraces = 0, consentTraces = 0, exportTraces = 0;
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.GetAsync(profileId, ct) is not null)
            {
                profileTraces++;
            }

            // A raw archive reference left behind ties the profile id to a file: a trace like an event.
            timelineTraces += (await timeline.GetPageAsync(profileId, 100, null, ct)).Events.Count
                + (await timeline.ListRawBlobsAsync(profileId, ct)).Count;
            consentTraces += (await consentArchive.ListAsync(profileId, ct)).Count;
            foreach (var record in await ledger.ListByProfileAsync(profileId, ct))
            {
                if (record.ErasureRequestId is null
                    || (record.File is { } file && await documents.ReadAsync(file.Area, file.Path, ct) is not null))
                {
                    exportTraces++;
                }
            }

            foreach (var source in sources)
            {
                traces[source.Name] = traces.GetValueOrDefault(source.Name) + (await source.ReadAsync(profileId, ct)).Count;
            }
        }

        var identityTraces = 0;
        foreach (var identity in request.AllIdentities())
        {
            if (await identities.GetAsync(matchers.IdentityId(identity), ct) is not null)
            {
                identityTraces++;
            }
        }

        var matcher = matchers.For(request.AllIdentities());
        var rawTraces = 0;
        foreach (var path in request.RawBlobs)
        {
            if (await archive.ReadAsync(path, ct) is { } content)
            {
                rawTraces += matcher.CountTraces(content);
            }
        }

        traces[PrivacyStores.Profiles] = profileTraces;
        traces[PrivacyStores.TimelineEvents] = timelineTraces;
        traces[PrivacyStores.ConsentHistory] = consentTraces;
        traces[PrivacyStores.Identities] = identityTraces;
        traces[PrivacyStores.RawEvents] = rawTraces;
        traces[PrivacyStores.ExportRecords] = exportTraces;
    }
}
