namespace Cdp.Core.Workflows.Replay;

/// <summary>
/// Runs workflow continuations one at a time on the replaying thread, only when the episode says so. Results are
/// handed to the workflow one by one, each followed by <see cref="RunUntilIdle"/>, so replays see them in the order
/// they were recorded, exactly like Durable Functions' replay.
/// </summary>
internal sealed class EpisodeSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();
    private readonly Lock _gate = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            _work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Workflow code cannot block on the episode's thread.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations (and the ones they queue) until none is left.</summary>
    public void RunUntilIdle()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) next;
            lock (_gate)
            {
                if (!_work.TryDequeue(out next))
                {
                    return;
                }
            }

            next.Callback(next.State);
        }
    }
}
