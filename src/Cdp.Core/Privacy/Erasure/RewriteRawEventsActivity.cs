using Cdp.Core.Ingestion;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Rewrites each raw archive file referenced by the subject's profiles (the per-profile index the timeline store keeps,
/// collected on the request by ResolveSubject; the archive is never scanned) without the subject's events, and forgets
/// those events' message ids.
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
