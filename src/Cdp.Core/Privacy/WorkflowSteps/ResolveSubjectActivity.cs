using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Finds every profile the subject's identities reach: the linked profiles, the profiles they were merged into and the
/// tombstones merged into them, then the identifiers those profiles hold and the raw archive files holding their events
/// (the timeline store's references, and the legacy list on documents written before ADR 0016), until nothing new
/// turns up. It runs before anything is erased, so the references are still there. What it finds is added to the
/// request document (so a later round or attempt still knows it); it returns counts.
/// </summary>
public sealed class ResolveSubjectActivity(
    PrivacyRequestDocuments requests, IIdentityIndex identities, IProfileStore profiles, ITimelineStore timeline, SubjectMatchers matchers)
    : IActivity<PrivacyWorkflowInput, ResolvedSubject>
{
    public const string ActivityName = "ResolveSubject";
    private const int MaxProfiles = 10_000;
    private const int MaxRounds = 10;

    public string Name => ActivityName;

    public async Task<ResolvedSubject> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var known = request.AllIdentities().ToList();
        var linked = new List<SubjectIdentity>(request.LinkedIdentities);
        var profileIds = new HashSet<string>(request.ProfileIds, StringComparer.Ordinal);
        var rawBlobs = new HashSet<string>(request.RawBlobs, StringComparer.Ordinal);
        var knownBlobs = rawBlobs.Count;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(request.ProfileIds);
        var lookedUp = 0;
        for (var round = 0; round < MaxRounds && lookedUp < known.Count; round++)
        {
            foreach (var identity in known.Skip(lookedUp).ToList())
            {
                if (await identities.GetAsync(matchers.IdentityId(identity), cancellationToken) is { } link)
                {
                    queue.Enqueue(link.Value.ProfileId);
                }
            }

            lookedUp = known.Count;
            while (queue.TryDequeue(out var id))
            {
                if (!visited.Add(id))
                {
                    continue;
                }

                if (visited.Count > MaxProfiles)
                {
                    throw new InvalidOperationException($"privacy request {input.RequestId} reaches more than {MaxProfiles} profiles");
                }

                profileIds.Add(id);

                // Even for a missing profile: its timeline (written before the profile) may hold references.
                rawBlobs.UnionWith(await timeline.ListRawBlobsAsync(id, cancellationToken));
                if (await profiles.GetAsync(id, cancellationToken) is not { } read)
                {
                    continue;
                }

                Visit(read.Value, queue, known, linked, rawBlobs);
            }
        }

        var added = linked.Count > request.LinkedIdentities.Count || profileIds.Count > request.ProfileIds.Count || rawBlobs.Count > knownBlobs;
        if (added)
        {
            await requests.UpdateAsync(input.RequestId, r => r with
            {
                LinkedIdentities = r.LinkedIdentities.Union(linked).ToList(),
                ProfileIds = r.ProfileIds.Union(profileIds).ToList(),
                RawBlobs = r.RawBlobs.Union(rawBlobs.Order(StringComparer.Ordinal)).ToList(),
            }, cancellationToken);
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "resolved", PrivacyAuditOutcomes.Succeeded,
            $"{profileIds.Count} profile(s), {known.Count} identifier(s), {rawBlobs.Count} raw file(s)", cancellationToken);
        return new ResolvedSubject(profileIds.Count, known.Count, rawBlobs.Count);
    }

    private static void Visit(Profile profile, Queue<string> queue, List<SubjectIdentity> known, List<SubjectIdentity> linked, HashSet<string> rawBlobs)
    {
        if (profile.MergedInto is { } survivor)
        {
            queue.Enqueue(survivor);
        }

        foreach (var entry in profile.History)
        {
            if (entry is { Kind: HistoryKinds.MergedFrom, OtherProfileId: { } loser })
            {
                queue.Enqueue(loser);
            }
        }

        foreach (var identifier in profile.Identifiers)
        {
            var identity = new SubjectIdentity(identifier.Type, identifier.Value);
            if (!known.Contains(identity))
            {
                known.Add(identity);
                linked.Add(identity);
            }
        }

        rawBlobs.UnionWith(profile.RawBlobs ?? []);
    }
}
