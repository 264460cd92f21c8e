using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>What one processed batch did, for metrics and the import summary.</summary>
public sealed record ProcessingSummary(
    int Received, int Processed, int Duplicates, int Unidentified, int ProfilesCreated, int ProfilesUpdated, int IdentityConflicts)
{
    public int MergesRequested { get; init; }

    /// <summary>Events dropped because one of their identifiers is on the suppression list (an erased subject).</summary>
    public int Suppressed { get; init; }

    public static readonly ProcessingSummary Empty = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>
/// The processing side of ingestion, shared by the Event Hub trigger and the local outbox consumer:
/// deduplicate, archive, resolve each event to a profile, update it, append the timeline.
/// Safe to run again on the same batch (at-least-once delivery): nothing is counted twice.
/// </summary>
public sealed partial class EventProcessor(
    IdentifierExtractor extractor,
    IdentityHasher hasher,
    IdentityGraph graph,
    ProfileUpdater updater,
    IIdentityIndex identities,
    IOptions<IdentityOptions> identityRules,
    LiveProfiles liveProfiles,
    IProfileStore profiles,
    ITimelineStore timeline,
    IDedupStore dedup,
    IRawEventArchive archive,
    ISuppressionList suppressions,
    SuppressionKeys suppressionKeys,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<EventProcessor> logger)
{
    private readonly ProcessingOptions _options = options.Value;
    private readonly IdentityOptions _identityOptions = identityRules.Value;

    /// <summary>Processes a batch; merges it finds are started through <paramref name="merges"/> before the batch is marked done.</summary>
    public async Task<ProcessingSummary> ProcessAsync(
        IReadOnlyList<SegmentEvent> events, IMergeScheduler merges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(merges);
        if (events.Count == 0)
        {
            return ProcessingSummary.Empty;
        }

        // 1. Drop repeats inside the batch and messages already processed.
        var unique = new Dictionary<string, SegmentEvent>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            unique.TryAdd(e.MessageId ?? throw new ArgumentException("every queued event has a messageId", nameof(events)), e);
        }

        var done = await dedup.FindProcessedAsync(unique.Keys, cancellationToken);
        var fresh = new List<(SegmentEvent Event, List<HashedIdentifier> Ids)>(unique.Count);
        var unidentified = 0;
        foreach (var e in unique.Values)
        {
            if (done.Contains(e.MessageId!))
            {
                continue;
            }

            var ids = extractor.Extract(e).ConvertAll(hasher.WithHash);
            if (ids.Count == 0)
            {
                // Every identifier was a blocked placeholder: there is nobody to attach this to.
                unidentified++;
                LogUnidentified(logger, e.MessageId!);
                continue;
            }

            fresh.Add((e, ids));
        }

        // Erased subjects' new events are dropped before anything lands (and marked done, so a redelivery is a duplicate).
        var suppressed = await DropSuppressedAsync(fresh, cancellationToken);
        var duplicates = events.Count - unique.Count + done.Count;
        var toMark = unique.Keys.Where(id => !done.Contains(id)).ToList();
        if (fresh.Count == 0)
        {
            await MarkDoneAsync(toMark, cancellationToken);
            return new ProcessingSummary(events.Count, 0, duplicates, unidentified, 0, 0, 0) { Suppressed = suppressed };
        }

        // 2. Land the raw events before anything refers to the file.
        var rawBlob = RawArchivePath.For(fresh[0].Event.ReceivedAt ?? time.GetUtcNow(), BatchId(fresh));
        await archive.WriteAsync(rawBlob, ToNdjson(fresh), cancellationToken);

        // 3. Resolve and apply, caching profiles and links for the rest of the batch.
        var batch = new BatchState();
        foreach (var (e, ids) in fresh)
        {
            await ApplyAsync(e, ids, rawBlob, batch, cancellationToken);
        }

        // 4. Persist each profile: timeline first (idempotent), then the profile, then the links that point at it.
        var created = 0;
        var updated = 0;
        foreach (var pending in batch.Profiles.Values.Where(p => p.Events.Count > 0).ToList())
        {
            var (wasCreated, conflicts) = await SaveAsync(pending, rawBlob, batch, cancellationToken);
            if (wasCreated)
            {
                created++;
            }
            else
            {
                updated++;
            }

            batch.Conflicts += conflicts;
        }

        // 5. Merges are started before the batch is marked done: a crash in between replays the batch,
        //    which finds the same merges again (and starting one twice is a no-op).
        foreach (var request in batch.MergeRequests.Values)
        {
            LogMergeRequested(logger, request.InstanceId, string.Join(",", request.ProfileIds));
            await merges.ScheduleAsync(request, cancellationToken);
        }

        await MarkDoneAsync(toMark, cancellationToken);
        return new ProcessingSummary(events.Count, fresh.Count, duplicates, unidentified, created, updated, batch.Conflicts)
        {
            MergesRequested = batch.MergeRequests.Count,
            Suppressed = suppressed,
        };
    }

    /// <summary>Removes the events carrying a suppressed identifier (one batched look-up); returns how many.</summary>
    private async Task<int> DropSuppressedAsync(List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh, CancellationToken ct)
    {
        if (fresh.Count == 0)
        {
            return 0;
        }

        var keys = fresh.ConvertAll(f => f.Ids.ConvertAll(id => suppressionKeys.For(id.Type, id.Value)));
        var listed = await suppressions.FindAsync(keys.SelectMany(k => k).ToHashSet(StringComparer.Ordinal), ct);
        if (listed.Count == 0)
        {
            return 0;
        }

        var suppressedKeys = listed.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var dropped = 0;
        for (var i = fresh.Count - 1; i >= 0; i--)
        {
            if (keys[i].Exists(suppressedKeys.Contains))
            {
                LogSuppressed(logger, fresh[i].Event.MessageId!);
                fresh.RemoveAt(i);
                dropped++;
            }
        }

        return dropped;
    }

    private async Task ApplyAsync(SegmentEvent e, List<HashedIdentifier> ids, string rawBlob, BatchState batch, CancellationToken ct)
    {
        var linked = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!batch.Links.TryGetValue(id.IdentityId, out var profileId))
            {
                var link = await identities.GetAsync(id.IdentityId, ct);
                if (link is null)
                {
                    continue;
                }

                profileId = link.Value.Value.ProfileId;
                batch.Links[id.IdentityId] = profileId;
            }

            linked[id.IdentityId] = batch.Profiles[await LoadAsync(profileId, batch, ct)].Profile!;
        }

        var decision = graph.Decide(ids, linked);
        if (decision.Target is null && decision.Keep.Count == 0)
        {
            // Nothing left to attach the event to (every identifier was refused); it is logged, not guessed at.
            LogUnidentified(logger, e.MessageId!);
            return;
        }

        PendingProfile target;
        if (decision.Target is null)
        {
            target = await NewProfileAsync(e, decision.Keep, batch, ct);
        }
        else
        {
            target = batch.Profiles[decision.Target.Id];
        }

        var profile = target.Profile!;
        foreach (var dropped in profile.RecentMessageIds.Contains(e.MessageId!) ? [] : decision.Dropped)
        {
            LogDropped(logger, e.MessageId!, dropped.IdentityId, dropped.Reason);
            profile.History.Add(new ProfileHistoryEntry(e.Timestamp ?? time.GetUtcNow(), HistoryKinds.IdentifierDropped,
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
        updater.Apply(profile, e, kept, rawBlob);
        foreach (var id in kept)
        {
            if (!batch.Links.ContainsKey(id.IdentityId))
            {
                batch.Links[id.IdentityId] = profile.Id;
                target.NewLinks.Add(id.IdentityId);
            }
        }
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

            var existing = await profiles.GetAsync(candidate, ct);
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

    private static string ProfileIdFor(HashedIdentifier id) =>
        "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id.IdentityId)).AsSpan(0, 16));

    /// <summary>Loads a profile into the batch, following <c>mergedInto</c>; returns the live id.</summary>
    private async Task<string> LoadAsync(string profileId, BatchState batch, CancellationToken ct)
    {
        var seen = new List<string>();
        while (true)
        {
            if (batch.Profiles.TryGetValue(profileId, out var cached) && cached.Profile is not null)
            {
                return profileId;
            }

            if (seen.Contains(profileId) || seen.Count == 32)
            {
                throw new InvalidOperationException($"profile {seen[0]} has a mergedInto chain that does not end: {string.Join(" -> ", seen)}");
            }

            seen.Add(profileId);
            var read = await profiles.GetAsync(profileId, ct);
            if (read is { Value.MergedInto: { } next })
            {
                profileId = next;
                continue;
            }

            // A link whose profile is gone (a crash between the two writes) is repaired by recreating it.
            var now = time.GetUtcNow();
            batch.Profiles[profileId] = new PendingProfile
            {
                Profile = read?.Value ?? new Profile { Id = profileId, CreatedAt = now, UpdatedAt = now },
                ETag = read?.ETag,
            };
            return profileId;
        }
    }

    /// <summary>
    /// Writes the profile. On a lost race it re-reads and re-applies this batch's events; if the profile was merged
    /// away meanwhile, the events follow it to the survivor. Returns whether a profile was created.
    /// </summary>
    private async Task<(bool Created, int Conflicts)> SaveAsync(PendingProfile pending, string rawBlob, BatchState batch, CancellationToken ct)
    {
        await timeline.AppendAsync(
            pending.Profile!.Id,
            pending.Events.ConvertAll(p => ProfileUpdater.ToTimeline(pending.Profile.Id, p.Event)),
            ct);
        var created = pending.ETag is null;
        for (var attempt = 1; ; attempt++)
        {
            var profile = pending.Profile!;
            profile.UpdatedAt = time.GetUtcNow();
            profile.Version++;
            try
            {
                // The profile write commits the identity decision; the links follow it. A crash in between is
                // repaired by the redelivery, which finds this profile by its deterministic id.
                pending.ETag = pending.ETag is null
                    ? await profiles.CreateAsync(profile, ct)
                    : await profiles.ReplaceAsync(profile, pending.ETag, ct);
                return (created, await LinkAsync(pending, batch, ct));
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
                    updater.Apply(pending.Profile, e, ids, rawBlob);
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
        foreach (var group in profile.Identifiers.GroupBy(i => i.Type).ToList())
        {
            var limit = _identityOptions.RuleFor(group.Key).Limit;
            var excess = group.Count() - limit;
            foreach (var id in group.Where(i => !stored.Contains(i.IdentityId)).Reverse().Take(Math.Max(0, excess)).ToList())
            {
                profile.Identifiers.Remove(id);
                pending.NewLinks.Remove(id.IdentityId);
                profile.History.Add(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                    $"the person already has the limit of {limit} {group.Key} identifier(s) (changed concurrently)",
                    IdentityId: id.IdentityId));
            }
        }
    }

    private async Task<(bool Created, int Conflicts)> FollowMergeAsync(
        PendingProfile pending, string survivorId, string rawBlob, BatchState batch, CancellationToken ct)
    {
        batch.Profiles.Remove(pending.Profile!.Id);
        var live = batch.Profiles.GetValueOrDefault(await LoadAsync(survivorId, batch, ct))!;
        var stored = live.Profile!.Identifiers.Select(i => i.IdentityId).ToHashSet(StringComparer.Ordinal);
        foreach (var (e, ids) in pending.Events)
        {
            live.Events.Add((e, ids));
            updater.Apply(live.Profile!, e, ids, rawBlob);
        }

        live.NewLinks.AddRange(pending.NewLinks.Where(id => !live.NewLinks.Contains(id)));
        DropOverLimit(live, stored);
        pending.Events.Clear();
        return await SaveAsync(live, rawBlob, batch, ct);
    }

    /// <summary>
    /// Links the profile's new identifiers. One that a concurrent processor linked to another profile first stays with
    /// that profile: it is taken off this one (no two live profiles hold an identifier) and the two profiles are put
    /// up for a merge, which joins them unless a limit forbids it.
    /// </summary>
    private async Task<int> LinkAsync(PendingProfile pending, BatchState batch, CancellationToken ct)
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
                    profile.History.Add(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
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

    private Task MarkDoneAsync(List<string> messageIds, CancellationToken ct) =>
        messageIds.Count == 0
            ? Task.CompletedTask
            : dedup.MarkProcessedAsync(messageIds, time.GetUtcNow() + _options.DedupWindow, ct);

    /// <summary>A redelivered batch gets the same archive file name, so re-archiving overwrites rather than adds.</summary>
    private static string BatchId(List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (e, _) in fresh)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(e.MessageId!));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static ReadOnlyMemory<byte> ToNdjson(List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh)
    {
        var buffer = new ArrayBufferWriter<byte>(fresh.Count * 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (var (e, _) in fresh)
            {
                JsonSerializer.Serialize(writer, e, CdpJsonContext.Default.SegmentEvent);
                writer.Flush();
                writer.Reset();
                buffer.Write("\n"u8);
            }
        }

        return buffer.WrittenMemory;
    }

    private sealed class BatchState
    {
        public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, PendingProfile> Profiles { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, MergeRequest> MergeRequests { get; } = new(StringComparer.Ordinal);
        public int Conflicts { get; set; }

        public PendingProfile Pending(string profileId)
        {
            if (!Profiles.TryGetValue(profileId, out var pending))
            {
                pending = new PendingProfile();
                Profiles[profileId] = pending;
            }

            return pending;
        }
    }

    private sealed class PendingProfile
    {
        public Profile? Profile { get; set; }
        public string? ETag { get; set; }
        public List<(SegmentEvent Event, List<HashedIdentifier> Ids)> Events { get; } = [];
        public List<string> NewLinks { get; } = [];

    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries a suppressed identifier (an erased subject); dropped")]
    private static partial void LogSuppressed(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries only blocked or malformed identifiers; not attached to a profile")]
    private static partial void LogUnidentified(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: identifier {IdentityId} not linked: {Reason}")]
    private static partial void LogDropped(ILogger logger, string messageId, string identityId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} requested for profiles {ProfileIds}")]
    private static partial void LogMergeRequested(ILogger logger, string instanceId, string profileIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {IdentityId} already links to {OtherProfileId}, not to {ProfileId}; merge requested")]
    private static partial void LogLinkConflict(ILogger logger, string identityId, string profileId, string otherProfileId);
}
