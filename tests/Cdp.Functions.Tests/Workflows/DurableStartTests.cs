using Cdp.Core.Identity;
using Cdp.Core.Workflows;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// Instance ids are chosen by Core from the work, so asking twice must not do the work twice:
/// <see cref="DurableWorkflowClient.StartAsync"/> returns an existing instance as it is, and
/// <see cref="DurableMergeScheduler"/> starts a merge again only when the last run failed.
/// A second run of a merge is visible: its output would say "the profiles are already one" instead of what was merged.
/// </summary>
public sealed class DurableStartTests
{
    [Fact]
    public async Task StartAsync_InstanceIdExists_ReturnsTheExistingInstanceAndRunsOnce()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable, start: false);
        var client = harness.Get<IWorkflowClient>();
        using var lent = harness.Get<DurableWorkflowClient>().Use(durable.Client);

        await client.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request);
        var first = await durable.WaitAsync(request.InstanceId);
        var again = await client.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request);

        Assert.Equal(WorkflowStatus.Completed, again.Status);
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Single(again.ReadOutput<MergeOutcome>()!.Merged);
        await AssertRanOnceAsync(durable, first);
    }

    [Fact]
    public async Task StartAsync_InstanceFailed_ReturnsItFailedWithoutStartingIt()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable, start: false);
        var failed = await FailedRunAsync(durable, request);
        using var lent = harness.Get<DurableWorkflowClient>().Use(durable.Client);

        var again = await harness.Get<IWorkflowClient>().StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request);

        // Core decides about another attempt itself (privacy requests start one under a new id).
        Assert.Equal(WorkflowStatus.Failed, again.Status);
        Assert.Contains(nameof(ArgumentNullException), again.Error, StringComparison.Ordinal);
        var now = (await durable.Client.GetInstanceAsync(request.InstanceId))!;
        Assert.Equal(OrchestrationRuntimeStatus.Failed, now.RuntimeStatus);
        Assert.Equal(failed.CreatedAt, now.CreatedAt);
    }

    [Fact]
    public async Task MergeScheduler_MergeCompleted_DoesNotRunItAgain()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable);
        var first = await durable.WaitAsync(request.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);

        using (harness.Get<DurableWorkflowClient>().Use(durable.Client))
        {
            // A redelivered batch asks for the same merge again.
            await harness.Get<IMergeScheduler>().ScheduleAsync(request, CancellationToken.None);
        }

        await AssertRanOnceAsync(durable, first);
    }

    [Fact]
    public async Task MergeScheduler_MergeFailed_StartsItAgainAndMerges()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var request = await OnePersonTwoProfiles.IngestAsync(harness, durable, start: false);
        var failed = await FailedRunAsync(durable, request);

        using (harness.Get<DurableWorkflowClient>().Use(durable.Client))
        {
            await harness.Get<IMergeScheduler>().ScheduleAsync(request, CancellationToken.None);
        }

        var rerun = await durable.WaitAsync(request.InstanceId);
        Assert.True(rerun.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{rerun.RuntimeStatus}: {rerun.FailureDetails?.ErrorMessage}");
        Assert.True(rerun.CreatedAt >= failed.CreatedAt);
        var outcome = rerun.ReadOutputAs<MergeOutcome>()!;
        Assert.Single(outcome.Merged);
        Assert.Equal(outcome.SurvivorId, (await harness.FindProfileAsync("email", OnePersonTwoProfiles.Email))!.Id);
        Assert.Equal(outcome.SurvivorId, (await harness.FindProfileAsync("phone", OnePersonTwoProfiles.Phone))!.Id);
    }

    /// <summary>A run of the merge under the request's instance id that fails at once (no input), without any activity.</summary>
    private static async Task<OrchestrationMetadata> FailedRunAsync(DurableFunctionsHost durable, MergeRequest request)
    {
        await durable.Client.ScheduleNewOrchestrationInstanceAsync(MergeWorkflow.WorkflowName, input: null,
            new StartOrchestrationOptions { InstanceId = request.InstanceId });
        var failed = await durable.WaitAsync(request.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        return failed;
    }

    /// <summary>The instance is still the first run: same creation, and its output still names the profile merged.</summary>
    private static async Task AssertRanOnceAsync(DurableFunctionsHost durable, OrchestrationMetadata first)
    {
        var now = await durable.WaitAsync(first.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, now.RuntimeStatus);
        Assert.Equal(first.CreatedAt, now.CreatedAt);
        Assert.Equal(first.SerializedOutput, now.SerializedOutput);
        Assert.Single(now.ReadOutputAs<MergeOutcome>()!.Merged);
    }
}
