using Cdp.Core.Consent;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Deletes the profiles' timelines and their raw archive references, after forgetting their message ids in the dedup
/// store, and their archived consent changes (first: in Cosmos DB they share the timeline's partition, whose deletion
/// would leave nothing to count). A batch in flight may have recorded a raw archive reference since the subject was
/// resolved; the references are the only index of those files, so any new one is added to the request before it goes:
/// verification then scans the file and the next round rewrites it.
/// </summary>
public sealed class EraseTimelineActivity(
    PrivacyRequestDocuments requests, ITimelineStore timeline, IProfileStore profiles, IDedupStore dedup, IConsentArchive consentArchive)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseTimeline";
    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var known = request.RawBlobs.ToHashSet(StringComparer.Ordinal);
        int events = 0, forgotten = 0, consentChanges = 0;
        foreach (var profileId in request.ProfileIds)
        {
            consentChanges += await consentArchive.DeleteAllAsync(profileId, cancellationToken);
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

            // Listed right before the delete, so the window for a reference to slip through is as short as it can be.
            var rawBlobs = await timeline.ListRawBlobsAsync(profileId, cancellationToken);
            await KeepIndexAsync(request.Id, rawBlobs.Where(known.Add).ToList(), cancellationToken);
            if (count > 0 || rawBlobs.Count > 0)
            {
                await timeline.DeleteAllAsync(profileId, cancellationToken);
                events += count;
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "timeline_erased", PrivacyAuditOutcomes.Succeeded, $"{events} event(s)", cancellationToken);
        return new()
        {
            [PrivacyStores.TimelineEvents] = events, [PrivacyStores.DedupEntries] = forgotten, [PrivacyStores.ConsentHistory] = consentChanges,
        };
    }

    /// <summary>Adds references the request did not know (usually none: the subject was resolved with them).</summary>
    private async Task KeepIndexAsync(string requestId, List<string> found, CancellationToken ct)
    {
        if (found.Count > 0)
        {
            await requests.UpdateAsync(requestId, r => r with { RawBlobs = r.RawBlobs.Union(found).ToList() }, ct);
        }
    }
}
