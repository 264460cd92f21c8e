using System.Collections.Concurrent;
using System.Globalization;
using Cdp.Core.Segments;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="ISegmentMembers"/> in memory; continuations are the last profile id of a page.</summary>
internal sealed class InMemorySegmentMembers : ISegmentMembers
{
    private readonly ConcurrentDictionary<(string Segment, string Profile), SegmentMember> _rows = new();

    public IReadOnlyCollection<SegmentMember> All => [.. _rows.Values];

    public Task UpsertAsync(SegmentMember member, CancellationToken cancellationToken)
    {
        _rows[(member.SegmentKey, member.ProfileId)] = member;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string segmentKey, string profileId, CancellationToken cancellationToken)
    {
        _rows.TryRemove((segmentKey, profileId), out _);
        return Task.CompletedTask;
    }

    public Task<long> CountAsync(string segmentKey, CancellationToken cancellationToken) =>
        Task.FromResult((long)_rows.Keys.Count(k => k.Segment == segmentKey));

    public Task<SegmentMembersPage> PageAsync(string segmentKey, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var after = continuation is null ? string.Empty
            : continuation.StartsWith('~') ? continuation[1..] : throw new ArgumentException("not a token of this index", nameof(continuation));
        var rows = _rows.Values.Where(m => m.SegmentKey == segmentKey && string.CompareOrdinal(m.ProfileId, after) > 0)
            .OrderBy(m => m.ProfileId, StringComparer.Ordinal).Take(pageSize + 1).ToList();
        return Task.FromResult(rows.Count > pageSize
            ? new SegmentMembersPage(rows[..pageSize], "~" + rows[pageSize - 1].ProfileId)
            : new SegmentMembersPage(rows, null));
    }

    public Task<IReadOnlyList<string>> SegmentsOfAsync(string profileId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _rows.Keys.Where(k => k.Profile == profileId).Select(k => k.Segment).Order(StringComparer.Ordinal)]);

    public Task RemoveProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        foreach (var key in _rows.Keys.Where(k => k.Profile == profileId))
        {
            _rows.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    public Task RemoveSegmentAsync(string segmentKey, CancellationToken cancellationToken)
    {
        foreach (var key in _rows.Keys.Where(k => k.Segment == segmentKey))
        {
            _rows.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    public override string ToString() => string.Join(", ", _rows.Keys.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Segment}/{k.Profile}")));
}
