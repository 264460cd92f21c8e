using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>Moves the loser's identity links to the survivor; links of identifiers the survivor did not take are removed.</summary>
public sealed class RepointIdentitiesActivity(LiveProfiles live, IProfileStore profiles, IIdentityIndex identities, TimeProvider time)
    : IActivity<MergeStep, int>
{
    public const string ActivityName = "RepointIdentities";

    public string Name => ActivityName;

    /// <summary>
    /// Reconciles each of the loser's identifiers with the survivor: links to the loser move to the survivor (or go,
    /// when the survivor did not take the identifier); a missing link is created; an identifier a concurrent
    /// processor linked to a third profile is taken off the survivor, so no two live profiles hold it.
    /// </summary>
    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loser is null)
        {
            return 0;
        }

        var moved = 0;
        var foreign = new List<(string IdentityId, string Owner)>();
        foreach (var id in loser.Value.Value.Identifiers)
        {
            for (var attempt = 1; ; attempt++)
            {
                var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
                if (survivor is null)
                {
                    return moved;
                }

                var survivorId = survivor.Value.Value.Id;
                var holds = survivor.Value.Value.Identifiers.Exists(i => i.IdentityId == id.IdentityId);
                var link = await identities.GetAsync(id.IdentityId, cancellationToken);
                try
                {
                    if (link is null)
                    {
                        if (holds && !await identities.TryCreateAsync(new IdentityLink(id.IdentityId, survivorId, time.GetUtcNow(), time.GetUtcNow()), cancellationToken))
                        {
                            throw new ConcurrencyConflictException($"identity {id.IdentityId} was linked meanwhile");
                        }
                    }
                    else if (link.Value.Value.ProfileId == input.LoserId)
                    {
                        if (holds)
                        {
                            await identities.ReplaceAsync(link.Value.Value with { ProfileId = survivorId, LastSeen = time.GetUtcNow() },
                                link.Value.ETag, cancellationToken);
                            moved++;
                        }
                        else if (!await identities.DeleteAsync(id.IdentityId, link.Value.ETag, cancellationToken))
                        {
                            throw new ConcurrencyConflictException($"identity {id.IdentityId} changed while being released");
                        }
                    }
                    else if (holds && link.Value.Value.ProfileId != survivorId
                        && (await live.ResolveAsync(link.Value.Value.ProfileId, cancellationToken))?.Value.Id != survivorId)
                    {
                        foreign.Add((id.IdentityId, link.Value.Value.ProfileId));
                    }

                    break;
                }
                catch (ConcurrencyConflictException) when (attempt < 10)
                {
                }
            }
        }

        if (foreign.Count > 0)
        {
            await ReleaseForeignAsync(input.SurvivorId, foreign, cancellationToken);
        }

        return moved;
    }

    private async Task ReleaseForeignAsync(string survivorId, List<(string IdentityId, string Owner)> foreign, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var survivor = await live.ResolveAsync(survivorId, ct);
            if (survivor is null)
            {
                return;
            }

            var profile = survivor.Value.Value;
            foreach (var (identityId, owner) in foreign)
            {
                if (profile.Identifiers.RemoveAll(i => i.IdentityId == identityId) > 0)
                {
                    profile.AddHistory(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                        $"linked to profile {owner} by concurrent processing", owner, identityId));
                }
            }

            try
            {
                profile.Version++;
                await profiles.ReplaceAsync(profile, survivor.Value.ETag, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
            }
        }
    }
}
