using System.Collections.Concurrent;

namespace Cdp.Core.Workflows.Replay;

/// <summary>Lets in-process waiters learn that an instance finished without polling the journal.</summary>
public sealed class WorkflowCompletions
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next <see cref="NotifyFinished"/> for the id. Take it before reading the journal.</summary>
    public Task NextFinishAsync(string instanceId) =>
        _waiters.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void NotifyFinished(string instanceId)
    {
        if (_waiters.TryRemove(instanceId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
