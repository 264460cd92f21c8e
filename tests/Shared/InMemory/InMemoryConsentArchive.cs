using System.Collections.Concurrent;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IConsentArchive"/> in memory: one map per profile keyed by the entry's record id.</summary>
internal sealed class InMemoryConsentArchive : IConsentArchive
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConsentHistoryEntry>> _profiles = new(StringComparer.Ordinal);

    /// <summary>Archived entries over every profile (assertions).</summary>
    public int Count => _profiles.Values.Sum(p => p.Count);

    public Task AppendAsync(string profileId, IReadOnlyList<ConsentHistoryEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        var archived = _profiles.GetOrAdd(profileId, _ => new ConcurrentDictionary<string, ConsentHistoryEntry>(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            archived.TryAdd(ConsentArchiveIds.EntryId(profileId, entry), entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ConsentHistoryEntry>> ListAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<ConsentHistoryEntry> found = _profiles.TryGetValue(profileId, out var archived)
            ? ConsentArchiveIds.Ordered(profileId, archived.Values).ToList()
            : [];
        return Task.FromResult(found);
    }

    public Task<int> DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_profiles.TryRemove(profileId, out var archived) ? archived.Count : 0);
    }
}
