using System.Collections.Concurrent;
using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary>
/// <see cref="ISuppressionList"/> in memory; counts look-ups so tests can see ingestion batches them. Its summary counts
/// entries only: like the Azure host, nothing here counts dropped events.
/// </summary>
internal sealed class InMemorySuppressionList : ISuppressionList, ISuppressionStatistics
{
    private readonly ConcurrentDictionary<string, SuppressionEntry> _entries = new(StringComparer.Ordinal);
    private int _lookups;

    public int Count => _entries.Count;

    public IReadOnlyList<SuppressionEntry> All => _entries.Values.ToList();

    /// <summary>How many times <see cref="FindAsync"/> was called.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    public Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var entry in entries)
        {
            _entries.TryAdd(entry.Key, entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SuppressionEntry>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _lookups);
        IReadOnlyList<SuppressionEntry> found = keys.Distinct().Select(k => _entries.GetValueOrDefault(k)).OfType<SuppressionEntry>().ToList();
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<SuppressionEntry>> ListByRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<SuppressionEntry> found = _entries.Values.Where(e => e.RequestId == requestId).ToList();
        return Task.FromResult(found);
    }

    public Task<int> RemoveAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(keys.Distinct().Count(k => _entries.TryRemove(k, out _)));
    }

    public Task<SuppressionSummary> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new SuppressionSummary(_entries.Count, null));
    }
}
