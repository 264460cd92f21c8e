using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Adds every known identity of the subject to the suppression list, so their new events are dropped at ingest.</summary>
public sealed class SuppressSubjectActivity(PrivacyRequestDocuments requests, ISuppressionList suppressions, SuppressionKeys keys, TimeProvider time)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "SuppressSubject";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var wanted = request.AllIdentities().Select(keys.For).Distinct().ToList();
        var listed = (await suppressions.FindAsync(wanted, cancellationToken)).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var added = wanted.Where(k => !listed.Contains(k)).Select(k => new SuppressionEntry(k, input.RequestId, now)).ToList();
        if (added.Count > 0)
        {
            await suppressions.AddAsync(added, cancellationToken);
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "suppressed", PrivacyAuditOutcomes.Succeeded, $"{wanted.Count} identifier(s)", cancellationToken);
        return new() { [PrivacyStores.SuppressionEntries] = added.Count };
    }
}

/// <summary>
/// Lifts the suppression of the identities given: their entries and every other entry the erasures that added them
/// added (identifiers found on the profiles then, which the requester may not know).
/// </summary>
public sealed class UnsuppressSubjectActivity(PrivacyRequestDocuments requests, ISuppressionList suppressions, SuppressionKeys keys)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "UnsuppressSubject";
    public const string RemovedCount = "suppressionEntriesRemoved";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var given = request.SubjectIdentities.Select(keys.For).ToList();
        var remove = new HashSet<string>(given, StringComparer.Ordinal);
        foreach (var requestId in (await suppressions.FindAsync(given, cancellationToken)).Select(e => e.RequestId).Distinct())
        {
            remove.UnionWith((await suppressions.ListByRequestAsync(requestId, cancellationToken)).Select(e => e.Key));
        }

        var removed = await suppressions.RemoveAsync(remove, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "unsuppressed", PrivacyAuditOutcomes.Succeeded, $"{removed} entries removed", cancellationToken);
        return new() { [RemovedCount] = removed };
    }
}

/// <summary>
/// Rewrites each raw archive file listed in the subject's profiles (the per-profile index; the archive is never
/// scanned) without the subject's events, and forgets those events' message ids.
/// </summary>
public sealed class RewriteRawEventsActivity(PrivacyRequestDocuments requests, IRawEventArchive archive, IDedupStore dedup, SubjectMatchers matchers)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "RewriteRawEvents";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var matcher = matchers.For(request.AllIdentities());
        int files = 0, events = 0, forgotten = 0;
        foreach (var path in request.RawBlobs)
        {
            if (await archive.ReadAsync(path, cancellationToken) is not { } content)
            {
                continue;
            }

            var filtered = matcher.Filter(content);
            if (filtered.Removed == 0)
            {
                continue;
            }

            // Forgotten before the rewrite: if we crash in between, the re-run finds the lines again.
            forgotten += await dedup.ForgetAsync(filtered.RemovedMessageIds, cancellationToken);
            await archive.WriteAsync(path, filtered.Kept, cancellationToken);
            files++;
            events += filtered.Removed;
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "raw_events_rewritten", PrivacyAuditOutcomes.Succeeded,
            $"{files} file(s), {events} event(s)", cancellationToken);
        return new()
        {
            [PrivacyStores.RawEventFiles] = files,
            [PrivacyStores.RawEvents] = events,
            [PrivacyStores.DedupEntries] = forgotten,
        };
    }
}

/// <summary>Deletes the profiles' timelines, after forgetting their message ids in the dedup store.</summary>
public sealed class EraseTimelineActivity(PrivacyRequestDocuments requests, ITimelineStore timeline, IProfileStore profiles, IDedupStore dedup)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseTimeline";
    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        int events = 0, forgotten = 0;
        foreach (var profileId in request.ProfileIds)
        {
            var messageIds = new HashSet<string>(StringComparer.Ordinal);
            if (await profiles.GetAsync(profileId, cancellationToken) is { } profile)
            {
                messageIds.UnionWith(profile.Value.RecentMessageIds);
            }

            var count = 0;
            string? token = null;
            do
            {
                var page = await timeline.GetPageAsync(profileId, PageSize, token, cancellationToken);
                messageIds.UnionWith(page.Events.Select(e => e.Id));
                count += page.Events.Count;
                token = page.ContinuationToken;
            }
            while (token is not null);

            if (messageIds.Count > 0)
            {
                forgotten += await dedup.ForgetAsync(messageIds, cancellationToken);
            }

            if (count > 0)
            {
                await timeline.DeleteAllAsync(profileId, cancellationToken);
                events += count;
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "timeline_erased", PrivacyAuditOutcomes.Succeeded, $"{events} event(s)", cancellationToken);
        return new() { [PrivacyStores.TimelineEvents] = events, [PrivacyStores.DedupEntries] = forgotten };
    }
}

/// <summary>Erases the records other features keep about the profiles (segment memberships, ...).</summary>
public sealed class EraseProfileRecordsActivity(PrivacyRequestDocuments requests, IEnumerable<IProfileRecordSource> sources)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseProfileRecords";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var erased = 0;
            foreach (var profileId in request.ProfileIds)
            {
                erased += await source.EraseAsync(profileId, cancellationToken);
            }

            counts[source.Name] = erased;
        }

        return counts;
    }
}

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

/// <summary>Deletes the identity links of every known identity of the subject.</summary>
public sealed class EraseIdentitiesActivity(PrivacyRequestDocuments requests, IIdentityIndex identities, SubjectMatchers matchers)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseIdentities";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var deleted = 0;
        foreach (var identity in request.AllIdentities())
        {
            if (await identities.DeleteAsync(matchers.IdentityId(identity), null, cancellationToken))
            {
                deleted++;
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "identities_erased", PrivacyAuditOutcomes.Succeeded, $"{deleted} link(s)", cancellationToken);
        return new() { [PrivacyStores.Identities] = deleted };
    }
}

/// <summary>Deletes the profiles and their merge tombstones: the last place raw identifiers lived.</summary>
public sealed class EraseProfilesActivity(PrivacyRequestDocuments requests, IProfileStore profiles)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseProfiles";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        await KeepIndexAsync(request, cancellationToken);
        var deleted = 0;
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.DeleteAsync(profileId, cancellationToken))
            {
                deleted++;
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "profiles_erased", PrivacyAuditOutcomes.Succeeded, $"{deleted} profile(s)", cancellationToken);
        return new() { [PrivacyStores.Profiles] = deleted };
    }

    /// <summary>
    /// A batch in flight may have added raw files or identifiers to a profile since it was resolved. The profile is their
    /// only index, so they are added to the request before it goes: verification then scans them, the next round erases them.
    /// </summary>
    private async Task KeepIndexAsync(PrivacyRequest request, CancellationToken ct)
    {
        var files = new List<string>();
        var found = new List<SubjectIdentity>();
        var known = request.AllIdentities().ToHashSet();
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.GetAsync(profileId, ct) is not { Value: var profile })
            {
                continue;
            }

            files.AddRange(profile.RawBlobs.Where(b => !request.RawBlobs.Contains(b) && !files.Contains(b)));
            found.AddRange(profile.Identifiers.Select(i => new SubjectIdentity(i.Type, i.Value)).Where(i => !known.Contains(i) && !found.Contains(i)));
        }

        if (files.Count > 0 || found.Count > 0)
        {
            await requests.UpdateAsync(request.Id, r => r with
            {
                RawBlobs = r.RawBlobs.Union(files).ToList(),
                LinkedIdentities = r.LinkedIdentities.Union(found).ToList(),
            }, ct);
        }
    }
}

/// <summary>
/// Scans every store for the subject through the ports: profiles and timelines by the resolved ids, identity links by
/// the identity ids, the rewritten raw files line by line (raw values and identity hashes), other features' records,
/// the export ledger and files; and the suppression list against the mode. Returns traces per store.
/// </summary>
public sealed class VerifyErasureActivity(
    PrivacyRequestDocuments requests,
    IProfileStore profiles,
    ITimelineStore timeline,
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
        int profileTraces = 0, timelineTraces = 0, exportTraces = 0;
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.GetAsync(profileId, ct) is not null)
            {
                profileTraces++;
            }

            timelineTraces += (await timeline.GetPageAsync(profileId, 100, null, ct)).Events.Count;
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
        traces[PrivacyStores.Identities] = identityTraces;
        traces[PrivacyStores.RawEvents] = rawTraces;
        traces[PrivacyStores.ExportRecords] = exportTraces;
    }
}

/// <summary>Writes the erasure certificate to <c>certificates/{requestId}.json</c>: the same bytes on every run of one step.</summary>
public sealed class WriteErasureCertificateActivity(PrivacyRequestDocuments requests, IDocumentArea documents)
    : IActivity<CertificateStep, DocumentRef>
{
    public const string ActivityName = "WriteErasureCertificate";

    public string Name => ActivityName;

    public static DocumentRef PathFor(string requestId) =>
        new(DocumentAreas.Certificates, requestId + ".json", PrivacyDocuments.JsonContentType);

    public async Task<DocumentRef> RunAsync(CertificateStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var certificate = new ErasureCertificate
        {
            RequestId = request.Id,
            RequestHash = request.RequestHash,
            Regulation = request.Regulation,
            SuppressionMode = request.SuppressionMode ?? SuppressionModes.SuppressWithDelete,
            IdentityTypes = [.. request.IdentityTypes],
            SubmittedTime = request.SubmittedTime,
            ReceivedTime = request.ReceivedTime,
            StartedTime = request.StartedTime,
            CompletedTime = input.CompletedAt,
            Counts = new Dictionary<string, int>(input.Counts.OrderBy(c => c.Key, StringComparer.Ordinal), StringComparer.Ordinal),
            ExportDestinations = [.. input.Destinations],
            Verification = input.Verification,
        };
        var file = PathFor(request.Id);
        await documents.WriteAsync(file.Area, file.Path, PrivacyDocuments.ToIndentedJson(certificate, PrivacyJsonContext.Default.ErasureCertificate),
            file.ContentType, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "certificate_written", PrivacyAuditOutcomes.Succeeded, file.Area + "/" + file.Path,
            cancellationToken);
        return file;
    }
}
