using Cdp.Core.Workflows;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Workflows;

public sealed class WorkflowRunnerTests
{
    private static WorkflowTestHost CreateHost(ActivityLog? log = null, Action<IServiceCollection>? more = null) => new(services =>
    {
        services.AddSingleton(log ?? new ActivityLog());
        services.AddSingleton<Rendezvous>();
        services.AddWorkflowActivity<AddActivity>();
        services.AddWorkflowActivity<EchoActivity>();
        services.AddWorkflowActivity<RendezvousActivity>();
        services.AddWorkflow<SequenceWorkflow>();
        services.AddWorkflow<FanOutWorkflow>();
        services.AddWorkflow<RendezvousWorkflow>();
        services.AddWorkflow<RetryWorkflow>();
        services.AddWorkflow<CompensatingWorkflow>();
        services.AddWorkflow<ClockWorkflow>();
        services.AddWorkflow<LoggingWorkflow>();
        services.AddWorkflow<NondeterministicWorkflow>();
        services.AddWorkflow<StrayAwaitWorkflow>();
        services.AddWorkflow<ThrowingWorkflow>();
        more?.Invoke(services);
    });

    [Fact]
    public async Task RunAsync_SequentialCalls_CompletesWithEachResultAndRunsEachCallOnce()
    {
        var log = new ActivityLog();
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("Sequence", "seq-1", new NumbersInput([10, 20, 30]));

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal([11, 21, 31], instance.ReadOutput<NumbersOutput>()!.Values);
        Assert.Equal(["seq-0", "seq-1", "seq-2"], log.Executions);
        var history = await host.HistoryAsync("seq-1");
        Assert.Equal(4, history.EpisodeStarts.Count); // one episode per call, then the one that returns
        Assert.Equal([0, 1, 2], history.Activities.Select(a => a.Sequence));
    }

    [Fact]
    public async Task RunAsync_FanOut_SchedulesAllCallsInOneEpisodeAndKeepsInputOrder()
    {
        var log = new ActivityLog();
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("FanOut", "fan-1", new NumbersInput([5, 6, 7, 8, 9]));

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal([6, 7, 8, 9, 10], instance.ReadOutput<NumbersOutput>()!.Values);
        var history = await host.HistoryAsync("fan-1");
        Assert.Equal(2, history.EpisodeStarts.Count);
        Assert.All(history.Activities, a => Assert.Equal(2, a.Episode));
        Assert.Equal(5, log.Executions.Count);
    }

    [Fact]
    public async Task RunAsync_FanOut_RunsCallsConcurrently()
    {
        // Each call waits until all three are inside the activity: run one by one, they would time out and fail.
        await using var host = CreateHost();

        var instance = await host.RunAsync("Rendezvous", "rv-1", 3);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal(0 + 1 + 2, instance.ReadOutput<int>());
    }

    [Fact]
    public async Task RunAsync_ActivityFailsThenSucceeds_RetriesWithBackoffAndRecordsAttempts()
    {
        var log = new ActivityLog();
        log.FailuresLeft["flaky"] = 3;
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("Retry", "retry-1", 41);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal(42, instance.ReadOutput<int>());
        Assert.Equal(4, log.CountOf("flaky"));
        Assert.Equal(4, Assert.Single((await host.HistoryAsync("retry-1")).Activities).Attempts);
        // 1 s, then doubled, capped at the 3 s maximum.
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], host.Time.Delays);
    }

    [Fact]
    public async Task RunAsync_RetriesExhausted_FailsWithActivityNameAndLastError()
    {
        var log = new ActivityLog();
        log.FailuresLeft["flaky"] = 100;
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("Retry", "retry-2", 1);

        Assert.Equal(WorkflowStatus.Failed, instance.Status);
        Assert.Null(instance.OutputJson);
        Assert.Contains("Activity 'Add' failed after 4 attempt(s)", instance.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: store unavailable for flaky", instance.Error, StringComparison.Ordinal);
        Assert.Equal(4, log.CountOf("flaky"));
        var record = Assert.Single((await host.HistoryAsync("retry-2")).Activities);
        Assert.False(record.Succeeded);
        Assert.Equal(4, record.Attempts);
    }

    [Fact]
    public async Task RunAsync_WorkflowCatchesActivityFailure_CompensatesAndCompletes()
    {
        var log = new ActivityLog();
        log.FailuresLeft["flaky"] = 100;
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("Compensating", "comp-1", 1);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal("compensated Add after 2", instance.ReadOutput<string>());
        Assert.Equal(1, log.CountOf("undo"));
    }

    [Fact]
    public async Task RunAsync_WorkflowThrows_FailsWithItsError()
    {
        await using var host = CreateHost();

        var instance = await host.RunAsync("Throwing", "throw-1", 1);

        Assert.Equal(WorkflowStatus.Failed, instance.Status);
        Assert.Equal("InvalidOperationException: profile lineage is inconsistent", instance.Error);
    }

    [Fact]
    public async Task RunAsync_ClockAndIds_ReplaysSeeTheValuesTheFirstRunSaw()
    {
        var log = new ActivityLog();
        await using var host = CreateHost(log);

        var instance = await host.RunAsync("Clock", "clock-1", 0);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        var stamps = instance.ReadOutput<StampsOutput>()!.Stamps;
        // What the final replay computed equals what earlier episodes handed to the activities.
        var echoed = log.Echoed.ToList();
        Assert.Equal(stamps[0], echoed[0]);
        Assert.Equal(stamps[0], stamps[1]);
        Assert.Equal(new HashSet<Stamp> { stamps[3], stamps[4] }, echoed.Skip(1).ToHashSet());
        // Time is the start of the episode that first reached each point: later after each wait.
        Assert.True(stamps[2].Time > stamps[0].Time);
        Assert.Equal(stamps[2].Time, stamps[3].Time);
        Assert.True(stamps[5].Time > stamps[3].Time);
        Assert.Equal(5, new[] { stamps[0], stamps[2], stamps[3], stamps[4], stamps[5] }.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_SameInstanceIdOnAnotherHost_MakesTheSameIds()
    {
        await using var first = CreateHost();
        await using var second = CreateHost();
        await using var other = CreateHost();

        var a = (await first.RunAsync("Clock", "clock-2", 0)).ReadOutput<StampsOutput>()!.Stamps.Select(s => s.Id);
        var b = (await second.RunAsync("Clock", "clock-2", 0)).ReadOutput<StampsOutput>()!.Stamps.Select(s => s.Id);
        var c = (await other.RunAsync("Clock", "clock-3", 0)).ReadOutput<StampsOutput>()!.Stamps.Select(s => s.Id);

        Assert.Equal(a, b);
        Assert.Empty(a.Intersect(c));
    }

    [Fact]
    public async Task RunAsync_ReplaySafeLogger_WritesEachLineOnceAcrossEpisodes()
    {
        await using var host = CreateHost();

        var instance = await host.RunAsync("Logging", "log-1", 0);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal(["start log-1", "step 0", "step 1", "step 2"], host.Logs.Messages(LoggingWorkflow.SafeCategory));
        // The plain logger shows the workflow really was re-run: once per episode (4) for "start".
        Assert.Equal(4, host.Logs.Messages(LoggingWorkflow.PlainCategory).Count(m => m == "start log-1"));
    }

    [Fact]
    public async Task StartAsync_SameInstanceIdTwice_RunsTheWorkflowOnce()
    {
        var log = new ActivityLog();
        await using var host = CreateHost(log);

        var first = await host.Client.StartAsync("Sequence", "once-1", new NumbersInput([1]));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await host.Client.StartAsync("Sequence", "once-1", new NumbersInput([100, 200]));
        await host.Runner.RunAsync("once-1", CancellationToken.None);
        var third = await host.Client.StartAsync("Sequence", "once-1", new NumbersInput([7]));
        await host.Runner.RunAsync("once-1", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(WorkflowStatus.Completed, third.Status);
        Assert.Equal(first.CreatedAt, third.CreatedAt);
        Assert.Equal([2], third.ReadOutput<NumbersOutput>()!.Values);
        Assert.Equal(["seq-0"], log.Executions);
    }

    [Fact]
    public async Task StartAsync_UnknownWorkflow_ThrowsNamingIt()
    {
        await using var host = CreateHost();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.StartAsync("NoSuchWorkflow", "x-1", null));

        Assert.Contains("NoSuchWorkflow", ex.Message, StringComparison.Ordinal);
        Assert.Null(await host.Client.GetAsync("x-1"));
    }

    [Fact]
    public async Task StartAsync_InputOfWrongType_Throws()
    {
        await using var host = CreateHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.StartAsync("Sequence", "x-2", "not numbers"));
    }

    [Fact]
    public async Task RunAsync_WorkflowChangesItsCallsOnReplay_FailsAsNotDeterministic()
    {
        await using var host = CreateHost();

        var instance = await host.RunAsync("Nondeterministic", "nd-1", 0);

        Assert.Equal(WorkflowStatus.Failed, instance.Status);
        Assert.Contains("not deterministic", instance.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkflowAwaitsANonWorkflowTask_FailsSayingSo()
    {
        await using var host = CreateHost();

        var instance = await host.RunAsync("StrayAwait", "stray-1", 0);

        Assert.Equal(WorkflowStatus.Failed, instance.Status);
        Assert.Contains("awaited something other than a workflow call", instance.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RunnerStoppedMidWorkflow_NewRunnerOnSameJournalResumesWithoutRedoingRecordedCalls()
    {
        var log = new ActivityLog();
        var journal = new InMemoryWorkflowJournal();
        await using (var crashed = new WorkflowTestHost(Register(log), journal))
        {
            await crashed.Client.StartAsync("Sequence", "resume-1", new NumbersInput([1, 2, 3]));
            using var stop = new CancellationTokenSource();
            log.OnExecuted = key => { if (key == "seq-1") stop.Cancel(); };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashed.Runner.RunAsync("resume-1", stop.Token));
            log.OnExecuted = null;
        }

        await using var resumed = new WorkflowTestHost(Register(log), journal);
        await resumed.Runner.RunAsync("resume-1", CancellationToken.None);

        var instance = await resumed.Client.GetAsync("resume-1");
        Assert.Equal(WorkflowStatus.Completed, instance!.Status);
        Assert.Equal([2, 3, 4], instance.ReadOutput<NumbersOutput>()!.Values);
        Assert.Equal(1, log.CountOf("seq-0")); // recorded before the stop: not run again
        Assert.Equal(2, log.CountOf("seq-1")); // ran, but its result was never recorded: run again
        Assert.Equal(1, log.CountOf("seq-2"));

        static Action<IServiceCollection> Register(ActivityLog log) => services =>
        {
            services.AddSingleton(log);
            services.AddWorkflowActivity<AddActivity>();
            services.AddWorkflow<SequenceWorkflow>();
        };
    }

    [Fact]
    public async Task WaitForCompletionAsync_InstanceRunningElsewhereInProcess_ReturnsOnceItFinishes()
    {
        await using var host = CreateHost();
        await host.Client.StartAsync("Sequence", "wait-1", new NumbersInput([1, 2]));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var waiting = host.Client.WaitForCompletionAsync("wait-1", deadline.Token);
        var running = Task.Run(() => host.Runner.RunAsync("wait-1", deadline.Token));
        var instance = await waiting;
        await running;

        Assert.Equal(WorkflowStatus.Completed, instance!.Status);
        Assert.Null(await host.Client.WaitForCompletionAsync("missing", deadline.Token));
    }
}
