using System.Collections.Concurrent;
using Cdp.Core.Identity;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>Records the merges processing asks for and passes them on (to the app's scheduler), or only records them.</summary>
internal sealed class RecordingMergeScheduler(IMergeScheduler? inner) : IMergeScheduler
{
    private readonly ConcurrentQueue<MergeRequest> _requests = new();

    public IReadOnlyList<MergeRequest> Requests => [.. _requests];

    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return inner?.ScheduleAsync(request, cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>Removes and returns what was recorded so far.</summary>
    public IReadOnlyList<MergeRequest> TakeAll()
    {
        var taken = new List<MergeRequest>();
        while (_requests.TryDequeue(out var request))
        {
            taken.Add(request);
        }

        return taken;
    }
}
