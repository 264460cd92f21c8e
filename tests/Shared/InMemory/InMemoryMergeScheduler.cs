using System.Collections.Concurrent;
using Cdp.Core.Identity;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IMergeScheduler"/> that records requests; a request whose instance id was seen is ignored, as a workflow engine would.</summary>
internal sealed class InMemoryMergeScheduler : IMergeScheduler
{
    private readonly ConcurrentDictionary<string, MergeRequest> _scheduled = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<MergeRequest> _order = new();

    /// <summary>Distinct requests, in the order first scheduled.</summary>
    public IReadOnlyList<MergeRequest> Scheduled => _order.ToList();

    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (_scheduled.TryAdd(request.InstanceId, request))
        {
            _order.Enqueue(request);
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes and returns the requests not taken yet, for a test or host that runs the merges itself.</summary>
    public IReadOnlyList<MergeRequest> TakeAll()
    {
        var taken = new List<MergeRequest>();
        while (_order.TryDequeue(out var request))
        {
            taken.Add(request);
        }

        return taken;
    }
}
