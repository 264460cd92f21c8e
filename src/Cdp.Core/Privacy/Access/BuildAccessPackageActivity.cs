using System.Buffers;
using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Writes the access package (and for portability the events as NDJSON) and records the delivery in the export ledger
/// under each of the subject's profiles, so a later erasure deletes the package too. Returns the files written.
/// </summary>
public sealed class BuildAccessPackageActivity(
    PrivacyRequestDocuments requests,
    IProfileStore profiles,
    ITimelineStore timeline,
    ConsentHistoryArchiver consentHistory,
    IExportLedger ledger,
    IDocumentArea documents,
    IEnumerable<IProfileRecordSource> sources,
    TimeProvider time) : IActivity<PrivacyWorkflowInput, List<DocumentRef>>
{
    public const string ActivityName = "BuildAccessPackage";

    /// <summary>The ledger destination of an access package: the subject themself.</summary>
    public const string SubjectDestination = "data-subject";

    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<List<DocumentRef>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var package = await GatherAsync(request, cancellationToken);
        var files = new List<DocumentRef> { new(DocumentAreas.AccessPackages, request.Id + ".json", PrivacyDocuments.JsonContentType) };
        await documents.WriteAsync(files[0].Area, files[0].Path, PrivacyDocuments.ToIndentedJson(package, PrivacyJsonContext.Default.AccessPackage),
            files[0].ContentType, cancellationToken);
        if (request.Type == PrivacyRequestTypes.Portability)
        {
            files.Add(new(DocumentAreas.AccessPackages, request.Id + ".ndjson", PrivacyDocuments.NdjsonContentType));
            await documents.WriteAsync(files[1].Area, files[1].Path, ToNdjson(package.Timeline), files[1].ContentType, cancellationToken);
        }

        foreach (var profileId in request.ProfileIds)
        {
            foreach (var file in files)
            {
                await ledger.RecordAsync(new ExportRecord($"{request.Id}:{profileId}:{file.Path}", profileId, SubjectDestination, package.GeneratedAt, file),
                    cancellationToken);
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "package_written", PrivacyAuditOutcomes.Succeeded,
            $"{package.Profiles.Count} profile(s), {package.Timeline.Count} event(s)", cancellationToken);
        return files;
    }

    private async Task<AccessPackage> GatherAsync(PrivacyRequest request, CancellationToken ct)
    {
        var package = new AccessPackage
        {
            RequestId = request.Id,
            Regulation = request.Regulation,
            RequestType = request.Type,
            GeneratedAt = time.GetUtcNow(),
            Identities = [.. request.AllIdentities()],
        };
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.GetAsync(profileId, ct) is { Value: var profile } && profile.MergedInto is null)
            {
                package.Profiles.Add(profile);
                package.Consent.Add(new ProfileConsent(profile.Id, profile.Consent, await consentHistory.FullHistoryAsync(profile, ct)));
                package.MergeHistory.AddRange(profile.History.Where(h => h.Kind is HistoryKinds.MergedFrom or HistoryKinds.MergedInto));
            }

            string? token = null;
            do
            {
                var page = await timeline.GetPageAsync(profileId, PageSize, token, ct);
                package.Timeline.AddRange(page.Events);
                token = page.ContinuationToken;
            }
            while (token is not null);

            foreach (var source in sources)
            {
                var records = await source.ReadAsync(profileId, ct);
                if (records.Count == 0)
                {
                    continue;
                }

                if (!package.OtherRecords.TryGetValue(source.Name, out var list))
                {
                    list = [];
                    package.OtherRecords[source.Name] = list;
                }

                list.AddRange(records);
            }

            // Earlier packages of this request are not "where the data was sent" yet: they are this delivery.
            package.Exports.AddRange((await ledger.ListByProfileAsync(profileId, ct)).Where(r => !r.Id.StartsWith(request.Id + ":", StringComparison.Ordinal)));
        }

        package.Timeline.Sort((a, b) => b.Timestamp.CompareTo(a.Timestamp));
        return package;
    }

    private static byte[] ToNdjson(List<TimelineEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (var e in events)
            {
                JsonSerializer.Serialize(writer, e, CdpJsonContext.Default.TimelineEvent);
                writer.Flush();
                writer.Reset();
                buffer.Write("\n"u8);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
