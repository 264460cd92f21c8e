using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Processing;

/// <summary>
/// Resolves each event of a batch to its person and applies it to that person's in-memory profile. Events are taken
/// in arrival order: identity decisions depend on what came before (which userId a shared anonymousId joins first),
/// and event-at-a-time processing must decide the same. What the events will read from the store is read in bulk
/// first (<see cref="BatchPrefetch"/>); each event then reads only what that could not know.
/// </summary>
public sealed partial class BatchResolver(
    IdentityGraph graph,
    ProfileUpdater updater,
    IIdentityIndex identities,
    IProfileStore profiles,
    LiveProfiles liveProfiles,
    IOptions<ProcessingOptions> options,
    ProcessingMetrics metrics,
    TimeProvider time,
    ILogger<BatchResolver> logger)
{
    private readonly BatchPrefetch _prefetch = new(identities, profiles);
    private readonly bool _prefetchReads = options.Value.PrefetchReads;

    /// <summary>Resolves the batch's events in arrival order, reading what they need in bulk first.</summary>
    internal async Task ResolveAsync(
        IReadOnlyList<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh, BatchState batch, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (_prefetchReads)
        {
            await _prefetch.ReadAsync(fresh, batch, ct);
            metrics.PhaseEnded(ProcessingPhases.Read, started);
            started = Stopwatch.GetTimestamp();
        }

        try
        {
            foreach (var (e, ids) in fresh)
            {
                await ApplyAsync(e, ids, batch, ct);
            }
        }
        finally
        {
            batch.ForgetStoredReads();
        }

        // Point reads made while resolving (a mergedInto chain, a link the bulk read could not know) count here.
        metrics.PhaseEnded(ProcessingPhases.Resolve, started);
    }

    private async Task ApplyAsync(SegmentEvent e, List<HashedIdentifier> ids, BatchState batch, CancellationToken ct)
    {
        var linked = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!batch.Links.TryGetValue(id.IdentityId, out var profileId))
            {
                if (batch.Unlinked.Contains(id.IdentityId))
                {
                    continue;
                }

                var link = await identities.GetAsync(id.IdentityId, ct);
                if (link is null)
                {
                    continue;
                }

                profileId = link.Value.Value.ProfileId;
                batch.Links[id.IdentityId] = profileId;
            }

            linked[id.IdentityId] = await LoadProfileAsync(profileId, batch, ct);
        }

        var decision = graph.Decide(ids, linked);
        if (decision.Target is null && decision.Keep.Count == 0)
        {
            // Nothing left to attach the event to (every identifier was refused); it is logged, not guessed at.
            LogUnidentified(logger, e.MessageId!);
            return;
        }

        var target = decision.Target is null
            ? await NewProfileAsync(e, decision.Keep, batch, ct)
            : batch.Profiles[decision.Target.Id];

        var profile = target.Profile!;
        foreach (var dropped in profile.RecentMessageIds.Contains(e.MessageId!) ? [] : decision.Dropped)
        {
            LogDropped(logger, e.MessageId!, dropped.IdentityId, dropped.Reason);
            profile.AddHistory(new ProfileHistoryEntry(e.Timestamp ?? time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                dropped.Reason, IdentityId: dropped.IdentityId, MessageId: e.MessageId));
        }

        if (decision.MergeIntoTarget.Count > 0)
        {
            var request = new MergeRequest(
                [profile.Id, .. decision.MergeIntoTarget.Select(p => p.Id)],
                $"message {e.MessageId} carries identifiers of {decision.MergeIntoTarget.Count + 1} profiles");
            batch.MergeRequests.TryAdd(request.InstanceId, request);
        }

        // Identifiers held by a profile still to be merged stay with it until the merge moves them: no two live
        // profiles ever hold the same identifier, even while merges are pending or end up refused.
        var kept = decision.Keep.Where(id => !linked.TryGetValue(id.IdentityId, out var owner) || owner.Id == profile.Id).ToList();
        target.Events.Add((e, kept));
        updater.Apply(profile, e, kept);
        foreach (var id in kept)
        {
            if (!batch.Links.ContainsKey(id.IdentityId))
            {
                batch.Links[id.IdentityId] = profile.Id;
                target.NewLinks.Add(id.IdentityId);
            }
        }
    }

    /// <summary>Loads a profile into the batch, following <c>mergedInto</c>; returns the live id.</summary>
    internal async Task<string> LoadAsync(string profileId, BatchState batch, CancellationToken ct)
    {
        // The batch's own copy of a profile on the chain is newer than the store's: the chain stops there.
        var (liveId, read) = await liveProfiles.FollowAsync(
            profileId,
            id => batch.Profiles.TryGetValue(id, out var cached) && cached.Profile is not null,
            (id, token) => ReadStoredAsync(id, batch, token),
            ct);
        if (batch.Profiles.TryGetValue(liveId, out var held) && held.Profile is not null)
        {
            return liveId;
        }

        // A link whose profile is gone (a crash between the two writes) is repaired by recreating it.
        var now = time.GetUtcNow();
        batch.Profiles[liveId] = new PendingProfile
        {
            Profile = read?.Value ?? new Profile { Id = liveId, CreatedAt = now, UpdatedAt = now },
            ETag = read?.ETag,
        };
        return liveId;
    }

    /// <summary>
    /// A new person's profile id derives from their strongest identifier, so that however a redelivered batch is
    /// grouped it finds the profile its first delivery created (even if a crash came before the identity links).
    /// </summary>
    private async Task<PendingProfile> NewProfileAsync(SegmentEvent e, IReadOnlyList<HashedIdentifier> ids, BatchState batch, CancellationToken ct)
    {
        string? newId = null;
        foreach (var id in ids)
        {
            var candidate = ProfileIdFor(id);
            if (batch.Profiles.TryGetValue(candidate, out var cached))
            {
                return cached;
            }

            var existing = await ReadStoredAsync(candidate, batch, ct);
            if (existing is null)
            {
                newId ??= candidate;
            }
            else if (existing.Value.Value.RecentMessageIds.Contains(e.MessageId!) || existing.Value.Value.MergedInto is not null
                && (await LoadProfileAsync(candidate, batch, ct)).RecentMessageIds.Contains(e.MessageId!))
            {
                // A redelivery after a crash that came between the profile write and its links: same profile.
                return batch.Profiles[await LoadAsync(candidate, batch, ct)];
            }
        }

        // Every deterministic id is taken by someone else's profile (identifiers released to a concurrent writer).
        newId ??= "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids[0].IdentityId + "\n" + e.MessageId)).AsSpan(0, 16));
        var now = time.GetUtcNow();
        var pending = new PendingProfile
        {
            Profile = new Profile
            {
                Id = newId,
                CreatedAt = now,
                UpdatedAt = now,
                History = { new ProfileHistoryEntry(e.Timestamp ?? now, HistoryKinds.Created, "first seen", MessageId: e.MessageId) },
            },
        };
        batch.Profiles[newId] = pending;
        return pending;
    }

    private async Task<Profile> LoadProfileAsync(string id, BatchState batch, CancellationToken ct) =>
        batch.Profiles[await LoadAsync(id, batch, ct)].Profile!;

    /// <summary>A profile as the store holds it: as the batch's prefetch read it, else by a point read.</summary>
    private ValueTask<Versioned<Profile>?> ReadStoredAsync(string id, BatchState batch, CancellationToken ct) =>
        batch.StoredProfiles.TryGetValue(id, out var stored) ? ValueTask.FromResult(stored) : new(profiles.GetAsync(id, ct));

    internal static string ProfileIdFor(HashedIdentifier id) =>
        "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id.IdentityId)).AsSpan(0, 16));

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries only blocked or malformed identifiers; not attached to a profile")]
    private static partial void LogUnidentified(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: identifier {IdentityId} not linked: {Reason}")]
    private static partial void LogDropped(ILogger logger, string messageId, string identityId, string reason);
}
