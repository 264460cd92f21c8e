using System.Collections.Concurrent;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;
using Cdp.Local.Segments;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Local.Tests.Segments;

/// <summary>The local stand-in for the timer trigger: one refresh per slot of the schedule, named after the slot.</summary>
public sealed class SegmentRefreshSchedulerTests
{
    [Fact]
    public async Task ExecuteAsync_ClockPassesTwoSlots_StartsOneRefreshPerSlotWithTheSlotsInstanceId()
    {
        var time = new TimerCountingTime(new DateTimeOffset(2025, 3, 14, 12, 3, 10, TimeSpan.Zero));
        var client = new RecordingWorkflowClient(time);
        var starter = new SegmentRefreshStarter(client, Options.Create(new SegmentRefreshSchedule { Expression = "0 */5 * * * *" }), time);
        using var scheduler = new SegmentRefreshScheduler(starter, time, NullLogger<SegmentRefreshScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            foreach (var step in Enumerable.Range(1, 2))
            {
                // Advanced only once the scheduler waits for its next slot, so the step moves it past exactly that slot.
                await Poll.UntilAsync(() => Task.FromResult(time.Timers), n => n >= step, "the scheduler to wait for a slot");
                var before = client.Started.Count;
                time.Advance(TimeSpan.FromMinutes(5));
                await Poll.UntilAsync(() => Task.FromResult(client.Started.Count), n => n > before, "the slot's refresh to start");
            }
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["segment-refresh-20250314120500", "segment-refresh-20250314121000"], client.Started.Take(2));
    }

    private sealed class TimerCountingTime(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once registered: the test advances the clock as soon as it sees the count, and a timer
            // registered after that advance would be due a whole wait later and never fire.
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }

    private sealed class RecordingWorkflowClient(TimeProvider time) : IWorkflowClient
    {
        private readonly ConcurrentQueue<string> _started = new();

        public IReadOnlyList<string> Started => [.. _started];

        public Task<WorkflowInstance> StartAsync(string workflowName, string instanceId, object? input, CancellationToken cancellationToken = default)
        {
            Assert.Equal(SegmentRefreshWorkflow.WorkflowName, workflowName);
            _started.Enqueue(instanceId);
            var now = time.GetUtcNow();
            return Task.FromResult(new WorkflowInstance(workflowName, instanceId, WorkflowStatus.Pending, now, now, null, null));
        }

        public Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default) => Task.FromResult<WorkflowInstance?>(null);

        public Task<WorkflowInstance?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken) => Task.FromResult<WorkflowInstance?>(null);
    }
}
