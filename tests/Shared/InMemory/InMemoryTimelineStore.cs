using System.Collections.Concurrent;
using System.Globalization;
using Cdp.Core.Profiles;

namespace Cdp.Tests.InMemory;

/// <summary>
/// <see cref="ITimelineStore"/> in memory: one map per profile keyed by event id, read newest first, and a set of raw
/// archive references per profile beside it.
/// </summary>
internal sealed class InMemoryTimelineStore : ITimelineStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, TimelineEvent>> _partitions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _rawBlobs = new(StringComparer.Ordinal);

    public int Count => _partitions.Values.Sum(p => p.Count);

    public Task AppendAsync(string profileId, IReadOnlyList<TimelineEvent> events, string? rawBlob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (rawBlob is not null)
        {
            _rawBlobs.GetOrAdd(profileId, _ => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal)).TryAdd(rawBlob, true);
        }

        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var partition = _partitions.GetOrAdd(profileId, _ => new ConcurrentDictionary<string, TimelineEvent>(StringComparer.Ordinal));
        foreach (var e in events)
        {
            // The first write of an id wins: a redelivered event must not change the timeline.
            partition.TryAdd(e.Id, e);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListRawBlobsAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> listed = _rawBlobs.TryGetValue(profileId, out var blobs) ? [.. blobs.Keys.Order(StringComparer.Ordinal)] : [];
        return Task.FromResult(listed);
    }

    public Task DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        _partitions.TryRemove(profileId, out _);
        _rawBlobs.TryRemove(profileId, out _);
        return Task.CompletedTask;
    }

    public Task<TimelinePage> GetPageAsync(string profileId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        cancellationToken.ThrowIfCancellationRequested();
        var skip = 0;
        if (continuationToken is not null
            && (!int.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            throw new ArgumentException("continuation token was not issued by this store", nameof(continuationToken));
        }

        if (!_partitions.TryGetValue(profileId, out var partition))
        {
            return Task.FromResult(new TimelinePage([], null));
        }

        var ordered = partition.Values
            .OrderByDescending(e => e.Timestamp)
            .ThenByDescending(e => e.Id, StringComparer.Ordinal)
            .ToList();
        var page = ordered.Skip(skip).Take(pageSize).ToList();
        var next = skip + page.Count < ordered.Count ? (skip + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new TimelinePage(page, next));
    }

    /// <summary>Every event of a profile, in no particular order (assertions).</summary>
    public IReadOnlyList<TimelineEvent> EventsOf(string profileId) =>
        _partitions.TryGetValue(profileId, out var partition) ? partition.Values.ToList() : [];

    /// <summary>
    /// Forgets a profile's raw archive references, as for a profile written before ADR 0016, whose document listed its
    /// files instead (tests of the legacy <see cref="Profile.RawBlobs"/>).
    /// </summary>
    public void ForgetRawBlobs(string profileId) => _rawBlobs.TryRemove(profileId, out _);

    /// <summary>Drops a profile's timeline (tests of erasure).</summary>
    public bool RemoveProfile(string profileId) => _partitions.TryRemove(profileId, out _);
}
