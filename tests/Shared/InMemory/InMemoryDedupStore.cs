using System.Collections.Concurrent;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IDedupStore"/> in memory; an entry counts until its expiry on the injected clock.</summary>
internal sealed class InMemoryDedupStore(TimeProvider time) : IDedupStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

    public int Count => _expiries.Count;

    public Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in messageIds)
        {
            if (_expiries.TryGetValue(id, out var expiresAt) && expiresAt > now)
            {
                found.Add(id);
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(found);
    }

    public Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var id in messageIds)
        {
            // Marking again never shortens the window.
            _expiries.AddOrUpdate(id, expiresAt, (_, current) => current >= expiresAt ? current : expiresAt);
        }

        return Task.CompletedTask;
    }

    public Task<int> ForgetAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(messageIds.Distinct(StringComparer.Ordinal).Count(id => _expiries.TryRemove(id, out _)));
    }

    /// <summary>Whether a messageId is recorded, expired or not (assertions).</summary>
    public bool Holds(string messageId) => _expiries.ContainsKey(messageId);

    /// <summary>Forgets expired entries, as a TTL would; returns how many went.</summary>
    public int PurgeExpired()
    {
        var now = time.GetUtcNow();
        var purged = 0;
        foreach (var (id, expiresAt) in _expiries)
        {
            if (expiresAt <= now && _expiries.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, expiresAt)))
            {
                purged++;
            }
        }

        return purged;
    }
}
