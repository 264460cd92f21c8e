using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Processing;

/// <summary>
/// Writes one person's batch: the timeline page first (idempotent, and with it the reference to the batch's raw
/// archive file), then the profile once, then the links that point at it. A lost race re-reads the profile and
/// re-applies the batch's events to it; a profile merged away meanwhile hands its events to the survivor.
/// </summary>
public sealed class ProfileWriter(
    ITimelineStore timeline,
    IProfileStore profiles,
    ProfileUpdater updater,
    BatchResolver resolver,
    IdentityLinker linker,
    MembershipSync membership,
    ConsentHistoryArchiver consentHistory,
    IOptions<IdentityOptions> identityRules,
    IOptions<ProcessingOptions> options,
    TimeProvider time)
{
    private readonly ProcessingOptions _options = options.Value;
    private readonly IdentityOptions _identityOptions = identityRules.Value;

    /// <summary>Returns whether a profile was created, and how many identifiers were lost to concurrent processing.</summary>
    internal async Task<(bool Created, int Conflicts)> SaveAsync(PendingProfile pending, string rawBlob, BatchState batch, CancellationToken ct)
    {
        await timeline.AppendAsync(
            pending.Profile!.Id,
            pending.Events.ConvertAll(p => ProfileUpdater.ToTimeline(pending.Profile.Id, p.Event)),
            rawBlob,
            ct);
        var created = pending.ETag is null;
        for (var attempt = 1; ; attempt++)
        {
            var profile = pending.Profile!;
            profile.UpdatedAt = time.GetUtcNow();
            profile.Version++;
            var segments = await membership.EvaluateAsync(profile, ct);
            try
            {
                // The profile write commits the identity decision; the links follow it. A crash in between is
                // repaired by the redelivery, which finds this profile by its deterministic id.
                await consentHistory.ArchiveOverflowAsync(profile, ct);
                pending.ETag = pending.ETag is null
                    ? await profiles.CreateAsync(profile, ct)
                    : await profiles.ReplaceAsync(profile, pending.ETag, ct);
                await membership.PublishAsync(profile, segments, ct);
                return (created, await linker.LinkAsync(pending, batch, ct));
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxWriteAttempts)
            {
                var fresh = await profiles.GetAsync(profile.Id, ct);
                if (fresh is { Value.MergedInto: { } survivor })
                {
                    return await FollowMergeAsync(pending, survivor, rawBlob, batch, ct);
                }

                created = fresh is null;
                pending.Profile = fresh?.Value ?? new Profile { Id = profile.Id, CreatedAt = profile.CreatedAt, UpdatedAt = profile.UpdatedAt };
                pending.ETag = fresh?.ETag;
                var stored = pending.Profile.Identifiers.Select(i => i.IdentityId).ToHashSet(StringComparer.Ordinal);
                foreach (var (e, ids) in pending.Events)
                {
                    updater.Apply(pending.Profile, e, ids);
                }

                DropOverLimit(pending, stored);
            }
        }
    }

    /// <summary>
    /// A concurrent writer may have given the profile identifiers this batch did not see (another userId, say).
    /// The identifiers this batch was about to add give way, so the limits still hold.
    /// </summary>
    private void DropOverLimit(PendingProfile pending, HashSet<string> stored)
    {
        var profile = pending.Profile!;
        var tally = new IdentifierTally(_identityOptions);
        tally.AddAll(profile.Identifiers.Where(i => stored.Contains(i.IdentityId)));

        // In the order they were added, so the earliest of this batch's identifiers are the ones that stay.
        foreach (var id in profile.Identifiers.Where(i => !stored.Contains(i.IdentityId)).ToList())
        {
            if (tally.WouldBreak(id.Type) is not { } limit)
            {
                tally.Add(id.Type, id.IdentityId);
                continue;
            }

            profile.Identifiers.Remove(id);
            pending.NewLinks.Remove(id.IdentityId);
            profile.AddHistory(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                $"the person already has the limit of {limit} (changed concurrently)", IdentityId: id.IdentityId));
        }
    }

    private async Task<(bool Created, int Conflicts)> FollowMergeAsync(
        PendingProfile pending, string survivorId, string rawBlob, BatchState batch, CancellationToken ct)
    {
        batch.Profiles.Remove(pending.Profile!.Id);
        var live = batch.Profiles.GetValueOrDefault(await resolver.LoadAsync(survivorId, batch, ct))!;
        var stored = live.Profile!.Identifiers.Select(i => i.IdentityId).ToHashSet(StringComparer.Ordinal);
        foreach (var (e, ids) in pending.Events)
        {
            live.Events.Add((e, ids));
            updater.Apply(live.Profile!, e, ids);
        }

        live.NewLinks.AddRange(pending.NewLinks.Where(id => !live.NewLinks.Contains(id)));
        DropOverLimit(live, stored);
        pending.Events.Clear();
        return await SaveAsync(live, rawBlob, batch, ct);
    }
}
