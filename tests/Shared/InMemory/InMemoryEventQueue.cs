using System.Collections.Concurrent;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IEventQueue"/> in memory: first in, first out; consumers take batches with <see cref="Take"/>.</summary>
internal sealed class InMemoryEventQueue : IEventQueue
{
    private readonly ConcurrentQueue<SegmentEvent> _events = new();

    public int Count => _events.Count;

    public Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var e in events)
        {
            _events.Enqueue(e);
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes and returns up to <paramref name="max"/> events, oldest first.</summary>
    public IReadOnlyList<SegmentEvent> Take(int max = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var taken = new List<SegmentEvent>(Math.Min(max, Math.Max(_events.Count, 1)));
        while (taken.Count < max && _events.TryDequeue(out var e))
        {
            taken.Add(e);
        }

        return taken;
    }
}
