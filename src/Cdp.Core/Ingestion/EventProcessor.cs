using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>What one processed batch did, for metrics and the import summary.</summary>
public sealed record ProcessingSummary(
    int Received, int Processed, int Duplicates, int Unidentified, int ProfilesCreated, int ProfilesUpdated, int IdentityConflicts)
{
    public int MergesRequested { get; init; }

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
    IProfileStore profiles,
    ITimelineStore timeline,
    IDedupStore dedup,
    IRawEventArchive archive,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<EventProcessor> logger)
{
    private readonly ProcessingOptions _options = options.Value;

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

        var duplicates = events.Count - unique.Count + done.Count;
        var toMark = unique.Keys.Where(id => !done.Contains(id)).ToList();
        if (fresh.Count == 0)
        {
            await MarkDoneAsync(toMark, cancellationToken);
            return new ProcessingSummary(events.Count, 0, duplicates, unidentified, 0, 0, 0);
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
        };
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

            var live = await LoadAsync(profileId, batch, ct);
            linked[id.IdentityId] = batch.Profiles[live].Profile!;
        }

        var decision = graph.Decide(ids, linked);
        PendingProfile target;
        if (decision.Target is null)
        {
            target = await NewProfileAsync(e, batch, ct);
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

    private async Task<PendingProfile> NewProfileAsync(SegmentEvent e, BatchState batch, CancellationToken ct)
    {
        // A deterministic id makes a redelivered batch find the profile its first delivery created.
        var newId = "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.MessageId!)).AsSpan(0, 16));
        if (batch.Profiles.TryGetValue(newId, out var cached))
        {
            return cached;
        }

        var existing = await profiles.GetAsync(newId, ct);
        if (existing is { Value.MergedInto: not null })
        {
            // Created by an earlier delivery and merged since: the event belongs to the survivor.
            return batch.Profiles[await LoadAsync(newId, batch, ct)];
        }

        var now = time.GetUtcNow();
        var pending = new PendingProfile
        {
            Profile = existing?.Value ?? new Profile
            {
                Id = newId,
                CreatedAt = now,
                UpdatedAt = now,
                History = { new ProfileHistoryEntry(e.Timestamp ?? now, HistoryKinds.Created, "first seen", MessageId: e.MessageId) },
            },
            ETag = existing?.ETag,
        };
        batch.Profiles[newId] = pending;
        return pending;
    }

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
        for (var attempt = 1; ; attempt++)
        {
            var profile = pending.Profile!;
            profile.UpdatedAt = time.GetUtcNow();
            profile.Version++;
            try
            {
                var created = pending.ETag is null;
                var conflicts = await LinkAsync(pending, ct);
                pending.ETag = created
                    ? await profiles.CreateAsync(profile, ct)
                    : await profiles.ReplaceAsync(profile, pending.ETag!, ct);
                return (created, conflicts);
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxWriteAttempts)
            {
                var fresh = await profiles.GetAsync(profile.Id, ct);
                if (fresh is { Value.MergedInto: { } survivor })
                {
                    return await FollowMergeAsync(pending, survivor, rawBlob, batch, ct);
                }

                pending.Profile = fresh?.Value ?? new Profile { Id = profile.Id, CreatedAt = profile.CreatedAt, UpdatedAt = profile.UpdatedAt };
                pending.ETag = fresh?.ETag;
                foreach (var (e, ids) in pending.Events)
                {
                    updater.Apply(pending.Profile, e, ids, rawBlob);
                }
            }
        }
    }

    private async Task<(bool Created, int Conflicts)> FollowMergeAsync(
        PendingProfile pending, string survivorId, string rawBlob, BatchState batch, CancellationToken ct)
    {
        batch.Profiles.Remove(pending.Profile!.Id);
        var live = batch.Profiles.GetValueOrDefault(await LoadAsync(survivorId, batch, ct))!;
        foreach (var (e, ids) in pending.Events)
        {
            live.Events.Add((e, ids));
            updater.Apply(live.Profile!, e, ids, rawBlob);
        }

        live.NewLinks.AddRange(pending.NewLinks);
        pending.Events.Clear();
        return await SaveAsync(live, rawBlob, batch, ct);
    }

    private async Task<int> LinkAsync(PendingProfile pending, CancellationToken ct)
    {
        var conflicts = 0;
        var now = time.GetUtcNow();
        foreach (var identityId in pending.NewLinks)
        {
            if (await identities.TryCreateAsync(new IdentityLink(identityId, pending.Profile!.Id, now, now), ct))
            {
                continue;
            }

            var existing = await identities.GetAsync(identityId, ct);
            if (existing is { Value.ProfileId: var other } && other != pending.Profile.Id)
            {
                // Another processor linked it first: the next event carrying it finds both profiles and merges them.
                conflicts++;
                LogLinkConflict(logger, identityId, pending.Profile.Id, other);
            }
        }

        pending.NewLinks.Clear();
        return conflicts;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries only blocked or malformed identifiers; not attached to a profile")]
    private static partial void LogUnidentified(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: identifier {IdentityId} not linked: {Reason}")]
    private static partial void LogDropped(ILogger logger, string messageId, string identityId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} requested for profiles {ProfileIds}")]
    private static partial void LogMergeRequested(ILogger logger, string instanceId, string profileIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {IdentityId} already links to {OtherProfileId}, not to {ProfileId}; left for identity resolution")]
    private static partial void LogLinkConflict(ILogger logger, string identityId, string profileId, string otherProfileId);
}
