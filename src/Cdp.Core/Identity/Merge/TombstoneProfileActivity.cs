using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>
/// Points the loser at the survivor. From this write on, ingestion that reaches the loser follows it to the survivor.
/// Returns the step actually taken (ids resolved to live profiles), or null when they are one profile already.
/// </summary>
public sealed class TombstoneProfileActivity(LiveProfiles live, IProfileStore profiles, TimeProvider time) : IActivity<MergeStep, MergeStep?>
{
    public const string ActivityName = "TombstoneProfile";

    public string Name => ActivityName;

    public async Task<MergeStep?> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TombstoneAsync(input, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
                // Ingestion or another merge wrote one of the profiles meanwhile: resolve again and retry.
            }
        }
    }

    private async Task<MergeStep?> TombstoneAsync(MergeStep input, CancellationToken cancellationToken)
    {
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken)
            ?? throw new InvalidOperationException($"survivor {input.SurvivorId} does not exist");

        // A loser already tombstoned (by this merge before a crash, or by another merge) is found through its chain.
        var loserDoc = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loserDoc is null)
        {
            return null;
        }

        var loser = loserDoc.Value.Value.MergedInto is null ? loserDoc : await live.ResolveAsync(input.LoserId, cancellationToken);
        if (loser is null || loser.Value.Value.Id == survivor.Value.Id)
        {
            // Already one person: finish the steps for the original loser if this merge tombstoned it.
            return loserDoc.Value.Value.MergedInto is not null && await live.ResolveAsync(input.LoserId, cancellationToken) is { } end
                && end.Value.Id == survivor.Value.Id
                ? input with { SurvivorId = survivor.Value.Id }
                : null;
        }

        var tombstone = loser.Value.Value;
        tombstone.MergedInto = survivor.Value.Id;
        tombstone.AddHistory(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.MergedInto,
            $"merged into {survivor.Value.Id} by {input.InstanceId}: {input.Reason}", survivor.Value.Id));
        await profiles.ReplaceAsync(tombstone, loser.Value.ETag, cancellationToken);

        // Two merges choosing opposite survivors at once would form a loop; undo ours and let the retry re-plan.
        if (await profiles.GetAsync(survivor.Value.Id, cancellationToken) is { Value.MergedInto: not null })
        {
            var mine = await profiles.GetAsync(tombstone.Id, cancellationToken);
            if (mine is { } current && await LeadsTo(current.Value.MergedInto, tombstone.Id, cancellationToken))
            {
                current.Value.MergedInto = null;
                await profiles.ReplaceAsync(current.Value, current.ETag, cancellationToken);
                throw new ConcurrencyConflictException($"merge {input.InstanceId} raced another merge over {tombstone.Id}; retrying");
            }
        }

        return input with { SurvivorId = survivor.Value.Id, LoserId = tombstone.Id };
    }

    private async Task<bool> LeadsTo(string? start, string target, CancellationToken ct)
    {
        var current = start;
        for (var hops = 0; current is not null && hops < 32; hops++)
        {
            if (current == target)
            {
                return true;
            }

            current = (await profiles.GetAsync(current, ct))?.Value.MergedInto;
        }

        return false;
    }
}
