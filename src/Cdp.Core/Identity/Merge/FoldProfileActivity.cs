using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

/// <summary>
/// Folds the tombstoned loser's data into the live survivor (survivorship rules); idempotent through the history. The
/// segment members index then follows the fold: the loser's rows go, the survivor's standings are listed.
/// </summary>
public sealed class FoldProfileActivity(
    LiveProfiles live, IProfileStore profiles, ProfileMerger merger, MembershipSync membership, ConsentHistoryArchiver consentHistory,
    IOptions<IdentityOptions> options, TimeProvider time)
    : IActivity<MergeStep, bool>
{
    public const string ActivityName = "FoldProfile";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken)
            ?? throw new InvalidOperationException($"loser {input.LoserId} does not exist");
        for (var attempt = 1; ; attempt++)
        {
            var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken)
                ?? throw new InvalidOperationException($"survivor {input.SurvivorId} does not exist");
            if (ProfileMerger.HasMerged(survivor.Value, loser.Value.Id))
            {
                // Folded already (this step retried after a crash): the index may not have followed yet.
                await membership.MergedAsync(survivor.Value, loser.Value.Id, cancellationToken);
                return false;
            }

            // The loser's older consent changes live outside its document: they become the survivor's before the survivor is
            // written (and before MoveTimeline drops the loser's partition, which in Cosmos DB holds them). Idempotent.
            await consentHistory.CopyArchivedAsync(loser.Value.Id, survivor.Value.Id, cancellationToken);
            var incoming = MergeLimits.Trim(survivor.Value, loser.Value, options.Value, time.GetUtcNow());
            merger.Merge(survivor.Value, incoming, time.GetUtcNow(), $"{input.InstanceId}: {input.Reason}");
            survivor.Value.Version++;
            survivor.Value.UpdatedAt = time.GetUtcNow();
            try
            {
                await consentHistory.ArchiveOverflowAsync(survivor.Value, cancellationToken);
                await profiles.ReplaceAsync(survivor.Value, survivor.ETag, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
                // Ingestion wrote the survivor meanwhile: read it again and fold again.
                continue;
            }

            await membership.MergedAsync(survivor.Value, loser.Value.Id, cancellationToken);
            return true;
        }
    }
}

internal static class MergeLimits
{
    /// <summary>
    /// The loser as it may be folded in: identifiers the survivor gained since the merge was planned (by concurrent
    /// ingestion) take precedence, and the loser's identifiers that would break a limit stay behind.
    /// </summary>
    public static Profile Trim(Profile survivor, Profile loser, IdentityOptions rules, DateTimeOffset at)
    {
        var tally = new IdentifierTally(rules);
        tally.AddAll(survivor.Identifiers);
        var kept = new List<ProfileIdentifier>(loser.Identifiers.Count);
        var history = new List<ProfileHistoryEntry>();
        foreach (var id in loser.Identifiers)
        {
            if (tally.Contains(id.IdentityId))
            {
                kept.Add(id);
                continue;
            }

            if (tally.WouldBreak(id.Type) is { } limit)
            {
                history.Add(new ProfileHistoryEntry(at, HistoryKinds.IdentifierDropped,
                    $"not merged in from {loser.Id}: the person already has the limit of {limit}", loser.Id, id.IdentityId));
                continue;
            }

            tally.Add(id.Type, id.IdentityId);
            kept.Add(id);
        }

        return history.Count == 0 ? loser : loser with { Identifiers = kept, History = [.. loser.History, .. history] };
    }
}
