using System.Diagnostics;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// Activity retries as Durable Functions runs them: the policy Core's workflow gives (<see cref="MergeWorkflow.Retry"/>)
/// reaches the engine through the adapter, and a failure that outlasts it fails the instance with a readable reason.
/// The engine waits real time between attempts (1 s, 2 s, 4 s, 8 s for a merge).
/// </summary>
public sealed class DurableRetryTests
{
    [Fact]
    public async Task MergeOrchestration_TimelineStoreFailsOnce_RetriesAndMergesEveryEventOnce()
    {
        using var harness = new FunctionsHarness();
        FaultyTimelineStore? timeline = null;
        harness.Decorate<ITimelineStore>(inner => timeline = new FaultyTimelineStore(inner, failures: 1));
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable);

        var done = await durable.WaitAsync(request.InstanceId);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        var outcome = done.ReadOutputAs<MergeOutcome>()!;
        var loser = Assert.Single(outcome.Merged);
        Assert.Equal(2, timeline!.DeleteCalls);

        // The first attempt had copied the events before failing; the retry copied them again: each is there once.
        var survivor = (await harness.FindProfileAsync("phone", OnePersonTwoProfiles.Phone))!;
        Assert.Equal(outcome.SurvivorId, survivor.Id);
        Assert.Equal(OnePersonTwoProfiles.MessageIds, harness.Timeline.EventsOf(survivor.Id).Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Empty(harness.Timeline.EventsOf(loser));
        Assert.Equal(survivor.Id, (await harness.FindProfileAsync("email", OnePersonTwoProfiles.Email))!.Id);
    }

    [Fact]
    public async Task MergeOrchestration_ActivityAlwaysFails_EndsFailedNamingTheActivityAndTheError()
    {
        using var harness = new FunctionsHarness();
        FaultyTimelineStore? timeline = null;
        harness.Decorate<ITimelineStore>(inner => timeline = new FaultyTimelineStore(inner, failures: int.MaxValue));
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable);
        var clock = Stopwatch.StartNew();

        var done = await durable.WaitAsync(request.InstanceId, TimeSpan.FromSeconds(90));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(MergeWorkflow.Retry.MaxNumberOfAttempts, timeline!.DeleteCalls);
        var failure = done.FailureDetails!;
        Assert.Equal(typeof(WorkflowActivityFailedException).FullName, failure.ErrorType);
        Assert.Contains($"'{MoveTimelineActivity.ActivityName}'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"{nameof(IOException)}: {FaultyTimelineStore.Error}", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"after {MergeWorkflow.Retry.MaxNumberOfAttempts} attempt(s)", failure.ErrorMessage, StringComparison.Ordinal);

        // Core reads the same failure through the workflow client.
        using (harness.Get<DurableWorkflowClient>().Use(durable.Client))
        {
            var instance = (await harness.Get<IWorkflowClient>().GetAsync(request.InstanceId))!;
            Assert.Equal(WorkflowStatus.Failed, instance.Status);
            Assert.Contains(MoveTimelineActivity.ActivityName, instance.Error, StringComparison.Ordinal);
            Assert.Contains(FaultyTimelineStore.Error, instance.Error, StringComparison.Ordinal);
        }

        // The engine waited out the policy's back-off (1 + 2 + 4 + 8 s) rather than giving up at once.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(14), $"failed after {clock.Elapsed}");
    }
}
