using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;

namespace Cdp.Core.Processing;

/// <summary>
/// Reads in bulk, before a batch's first event is resolved, what resolving its events one by one would read point by
/// point: the links of all their identifiers in one round, then in a second the profiles those links point to and
/// the deterministic ids a new person among the events would take. In Cosmos DB that is a few requests a batch
/// instead of several an event; resolution reads only what these could not know (the rest of a mergedInto chain).
/// </summary>
internal sealed class BatchPrefetch(IIdentityIndex identities, IProfileStore profiles)
{
    public async Task ReadAsync(IReadOnlyList<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh, BatchState batch, CancellationToken ct)
    {
        var identityIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, ids) in fresh)
        {
            foreach (var id in ids.Where(id => !batch.Links.ContainsKey(id.IdentityId)))
            {
                identityIds.Add(id.IdentityId);
            }
        }

        if (identityIds.Count == 0)
        {
            return;
        }

        var links = await identities.GetManyAsync(identityIds, ct);
        var profileIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identityId in identityIds)
        {
            if (links.TryGetValue(identityId, out var link))
            {
                batch.Links[identityId] = link.Value.ProfileId;
                profileIds.Add(link.Value.ProfileId);
            }
            else
            {
                batch.Unlinked.Add(identityId);
            }
        }

        // An event none of whose identifiers is linked starts a new person, whose profile id derives from one of them:
        // reading those ids is how a redelivery finds the profile its first delivery created.
        foreach (var (_, ids) in fresh.Where(f => f.Ids.TrueForAll(id => batch.Unlinked.Contains(id.IdentityId))))
        {
            profileIds.UnionWith(ids.Select(BatchResolver.ProfileIdFor));
        }

        profileIds.ExceptWith(batch.Profiles.Keys);
        if (profileIds.Count == 0)
        {
            return;
        }

        var stored = await profiles.GetManyAsync(profileIds, ct);
        foreach (var id in profileIds)
        {
            // A miss is remembered too: that no profile has the id is as much an answer as the profile.
            batch.StoredProfiles[id] = stored.TryGetValue(id, out var profile) ? profile : null;
        }
    }
}
