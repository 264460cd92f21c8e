using Cdp.Core.Consent;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Deletes the profiles' timelines, after forgetting their message ids in the dedup store, and their archived consent
/// changes (first: in Cosmos DB they share the timeline's partition, whose deletion would leave nothing to count).
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

            if (count > 0)
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
}
