using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Processing;

/// <summary>
/// Writes the identity links a written profile owes. The profile write commits the identity decision and the links
/// follow it; a concurrent processor that linked an identifier first keeps it, and the two profiles are put up for a merge.
/// </summary>
public sealed partial class IdentityLinker(
    IIdentityIndex identities,
    LiveProfiles liveProfiles,
    IProfileStore profiles,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<IdentityLinker> logger)
{
    private readonly ProcessingOptions _options = options.Value;

    /// <summary>
    /// Links the profile's new identifiers. One that a concurrent processor linked to another profile first stays with
    /// that profile: it is taken off this one (no two live profiles hold an identifier) and the two profiles are put
    /// up for a merge, which joins them unless a limit forbids it. Returns how many were lost that way.
    /// </summary>
    internal async Task<int> LinkAsync(PendingProfile pending, BatchState batch, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var profileId = pending.Profile!.Id;
        var lost = new List<(string IdentityId, string Other)>();
        foreach (var identityId in pending.NewLinks)
        {
            if (await identities.TryCreateAsync(new IdentityLink(identityId, profileId, now, now), ct))
            {
                continue;
            }

            var existing = await identities.GetAsync(identityId, ct);
            if (existing is { Value.ProfileId: var other } && other != profileId
                && (await liveProfiles.ResolveAsync(other, ct))?.Value.Id != profileId)
            {
                LogLinkConflict(logger, identityId, profileId, other);
                lost.Add((identityId, other));
                batch.Links[identityId] = other;
                var request = new MergeRequest([profileId, other], "an identifier was linked to both by concurrent processing");
                batch.MergeRequests.TryAdd(request.InstanceId, request);
            }
        }

        pending.NewLinks.Clear();
        if (lost.Count > 0)
        {
            await ReleaseAsync(pending, lost, ct);
        }

        return lost.Count;
    }

    /// <summary>Takes identifiers that belong to another profile off this one, so no two live profiles hold one.</summary>
    private async Task ReleaseAsync(PendingProfile pending, List<(string IdentityId, string Other)> lost, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var profile = pending.Profile!;
            var changed = false;
            foreach (var (identityId, other) in lost)
            {
                if (profile.Identifiers.RemoveAll(i => i.IdentityId == identityId) > 0)
                {
                    changed = true;
                    profile.AddHistory(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                        $"linked to profile {other} by concurrent processing; merge requested", other, identityId));
                }
            }

            if (profile.MergedInto is not null)
            {
                // Merged away meanwhile: the identifiers may already sit on the survivor, which must let go of them too.
                var live = await liveProfiles.ResolveAsync(profile.Id, ct);
                if (live is null)
                {
                    return;
                }

                pending.Profile = live.Value.Value;
                pending.ETag = live.Value.ETag;
                var stillForeign = new List<(string IdentityId, string Other)>(lost.Count);
                foreach (var entry in lost)
                {
                    if ((await liveProfiles.ResolveAsync(entry.Other, ct))?.Value.Id != live.Value.Value.Id)
                    {
                        stillForeign.Add(entry);
                    }
                }

                lost = stillForeign;
                continue;
            }

            if (!changed)
            {
                return;
            }

            try
            {
                profile.Version++;
                pending.ETag = await profiles.ReplaceAsync(profile, pending.ETag!, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxWriteAttempts)
            {
                var fresh = await profiles.GetAsync(profile.Id, ct);
                if (fresh is null)
                {
                    return;
                }

                pending.Profile = fresh.Value.Value;
                pending.ETag = fresh.Value.ETag;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {IdentityId} already links to {OtherProfileId}, not to {ProfileId}; merge requested")]
    private static partial void LogLinkConflict(ILogger logger, string identityId, string profileId, string otherProfileId);
}
