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

    public async Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
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
        if (fresh.Count == 0)
        {
            await MarkDoneAsync(unique.Keys.Where(id => !done.Contains(id)).ToList(), cancellationToken);
            return new ProcessingSummary(events.Count, 0, duplicates, unidentified, 0, 0, 0);
        }

        // 2. Land the raw events before anything refers to the file.
        var rawBlob = RawArchivePath.For(fresh[0].Event.ReceivedAt ?? time.GetUtcNow(), BatchId(fresh));
        await archive.WriteAsync(rawBlob, ToNdjson(fresh), cancellationToken);

        // 3. Resolve and apply, caching profiles and links for the rest of the batch.
        var batch = new BatchState();
        foreach (var (e, ids) in fresh)
        {
            var profileId = await ResolveAsync(ids, e, batch, cancellationToken);
            var pending = batch.Pending(profileId);
            pending.Add((e, ids));
            updater.Apply(pending.Profile!, e, ids, rawBlob);
            foreach (var id in ids)
            {
                if (!batch.Links.ContainsKey(id.IdentityId))
                {
                    batch.Links[id.IdentityId] = profileId;
                    pending.NewLinks.Add(id.IdentityId);
                }
            }
        }

        // 4. Persist: profile first, then the links that point at it, then the timeline.
        var created = 0;
        var updated = 0;
        var conflicts = 0;
        foreach (var pending in batch.Profiles.Values)
        {
            if (await SaveAsync(pending, rawBlob, cancellationToken))
            {
                created++;
            }
            else
            {
                updated++;
            }

            conflicts += await LinkAsync(pending, cancellationToken);
            await timeline.AppendAsync(
                pending.Profile!.Id,
                pending.Events.ConvertAll(p => ProfileUpdater.ToTimeline(pending.Profile.Id, p.Event)),
                cancellationToken);
        }

        await MarkDoneAsync(unique.Keys.Where(id => !done.Contains(id)).ToList(), cancellationToken);
        return new ProcessingSummary(events.Count, fresh.Count, duplicates, unidentified, created, updated, conflicts);
    }

    private async Task<string> ResolveAsync(List<HashedIdentifier> ids, SegmentEvent e, BatchState batch, CancellationToken ct)
    {
        string? chosen = null;
        var chosenRank = int.MaxValue;
        var distinct = 0;
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

            profileId = await LoadAsync(profileId, batch, ct);
            var rank = Rank(id.Type);
            if (chosen != profileId)
            {
                distinct++;
                if (rank < chosenRank)
                {
                    chosen = profileId;
                    chosenRank = rank;
                }
            }
        }

        if (distinct > 1)
        {
            // Two profiles share this person: merging them is identity resolution's job; until then
            // the event goes to the profile holding the strongest identifier.
            LogConflict(logger, e.MessageId!, chosen!);
        }

        if (chosen is not null)
        {
            return chosen;
        }

        // A deterministic id makes a redelivered batch find the profile its first delivery created.
        var newId = "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.MessageId!)).AsSpan(0, 16));
        var pending = batch.Pending(newId);
        if (pending.Profile is null)
        {
            var existing = await profiles.GetAsync(newId, ct);
            pending.Profile = existing?.Value ?? new Profile { Id = newId, CreatedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow() };
            pending.ETag = existing?.ETag;
        }

        return newId;
    }

    /// <summary>Loads a profile into the batch, following <c>mergedInto</c>; returns the live id.</summary>
    private async Task<string> LoadAsync(string profileId, BatchState batch, CancellationToken ct)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (batch.Profiles.TryGetValue(profileId, out var cached) && cached.Profile is not null)
            {
                return profileId;
            }

            var read = await profiles.GetAsync(profileId, ct);
            if (read is { Value.MergedInto: { } next })
            {
                profileId = next;
                continue;
            }

            var pending = batch.Pending(profileId);
            // A link whose profile is gone (a crash between the two writes) is repaired by recreating it.
            pending.Profile = read?.Value ?? new Profile { Id = profileId, CreatedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow() };
            pending.ETag = read?.ETag;
            return profileId;
        }

        throw new InvalidOperationException($"profile {profileId} has a mergedInto chain longer than 16");
    }

    /// <summary>Writes the profile; on a lost race re-reads it and re-applies this batch's events. True if created.</summary>
    private async Task<bool> SaveAsync(PendingProfile pending, string rawBlob, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var profile = pending.Profile!;
            profile.UpdatedAt = time.GetUtcNow();
            profile.Version++;
            try
            {
                if (pending.ETag is null)
                {
                    pending.ETag = await profiles.CreateAsync(profile, ct);
                    return true;
                }

                pending.ETag = await profiles.ReplaceAsync(profile, pending.ETag, ct);
                return false;
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxWriteAttempts)
            {
                var fresh = await profiles.GetAsync(profile.Id, ct);
                pending.Profile = fresh?.Value ?? new Profile { Id = profile.Id, CreatedAt = profile.CreatedAt, UpdatedAt = profile.UpdatedAt };
                pending.ETag = fresh?.ETag;
                foreach (var (e, ids) in pending.Events)
                {
                    updater.Apply(pending.Profile, e, ids, rawBlob);
                }
            }
        }
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
                conflicts++;
                LogLinkConflict(logger, identityId, pending.Profile.Id, other);
            }
        }

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

    private static int Rank(string type) => type switch
    {
        IdentifierTypes.UserId => 0,
        IdentifierTypes.Email => 1,
        IdentifierTypes.Phone => 2,
        IdentifierTypes.DeviceId => 4,
        IdentifierTypes.AnonymousId => 5,
        _ => 3,
    };

    private sealed class BatchState
    {
        public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, PendingProfile> Profiles { get; } = new(StringComparer.Ordinal);

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

        public void Add((SegmentEvent Event, List<HashedIdentifier> Ids) item) => Events.Add(item);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries only blocked or malformed identifiers; not attached to a profile")]
    private static partial void LogUnidentified(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} matches several profiles; applied to {ProfileId} pending merge")]
    private static partial void LogConflict(ILogger logger, string messageId, string profileId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {IdentityId} already links to {OtherProfileId}, not to {ProfileId}; left for identity resolution")]
    private static partial void LogLinkConflict(ILogger logger, string identityId, string profileId, string otherProfileId);
}
