using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>
/// Copies the loser's timeline into the survivor's partition, then drops the loser's. Its raw archive references go
/// along first, so erasure of the survivor still finds every file holding the loser's events.
/// </summary>
public sealed class MoveTimelineActivity(LiveProfiles live, IProfileStore profiles, ITimelineStore timeline) : IActivity<MergeStep, int>
{
    public const string ActivityName = "MoveTimeline";
    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
        if (survivor is null)
        {
            return 0;
        }

        var survivorId = survivor.Value.Value.Id;
        await MoveRawBlobsAsync(input.LoserId, survivorId, cancellationToken);
        var moved = 0;
        string? token = null;
        do
        {
            var page = await timeline.GetPageAsync(input.LoserId, PageSize, token, cancellationToken);
            if (page.Events.Count > 0)
            {
                await timeline.AppendAsync(survivorId, page.Events.Select(e => e with { ProfileId = survivorId }).ToList(), null, cancellationToken);
                moved += page.Events.Count;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        await timeline.DeleteAllAsync(input.LoserId, cancellationToken);
        return moved;
    }

    /// <summary>
    /// The loser's references, and the legacy list on its document (written before ADR 0016; the tombstone is stripped
    /// of it next), are recorded on the survivor. Idempotent: a retry records the same references again.
    /// </summary>
    private async Task MoveRawBlobsAsync(string loserId, string survivorId, CancellationToken cancellationToken)
    {
        var blobs = new SortedSet<string>(await timeline.ListRawBlobsAsync(loserId, cancellationToken), StringComparer.Ordinal);
        if (await profiles.GetAsync(loserId, cancellationToken) is { Value.RawBlobs: { } legacy })
        {
            blobs.UnionWith(legacy);
        }

        // A retry, or batches the two shared, find references the survivor holds already: one query saves their writes.
        blobs.ExceptWith(await timeline.ListRawBlobsAsync(survivorId, cancellationToken));
        foreach (var blob in blobs)
        {
            await timeline.AppendAsync(survivorId, [], blob, cancellationToken);
        }
    }
}
