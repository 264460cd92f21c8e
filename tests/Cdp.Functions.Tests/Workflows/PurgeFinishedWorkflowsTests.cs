using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// The purge timer against the Durable Task engine: finished instances (whose history may name an erasure's subject)
/// are deleted; one still running is left alone, or it could never finish.
/// </summary>
public sealed class PurgeFinishedWorkflowsTests
{
    private const string Succeeds = "Test_Succeeds";
    private const string Fails = "Test_Fails";
    private const string WaitsForApproval = "Test_WaitsForApproval";
    private const string Approved = "approved";

    [Fact]
    public async Task Run_FinishedAndRunningInstances_PurgesOnlyTheFinishedOnes()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness, tasks =>
        {
            tasks.AddOrchestratorFunc<string?, string>(Succeeds, (_, _) => Task.FromResult("done"));
            tasks.AddOrchestratorFunc<string?, string>(Fails, (_, _) => Task.FromException<string>(new InvalidOperationException("step failed")));
            tasks.AddOrchestratorFunc<string?, string>(WaitsForApproval, (context, _) => context.WaitForExternalEvent<string>(Approved));
        });
        var client = durable.Client;

        // A real workflow too: the merge of one person's two profiles.
        var merge = await OnePersonTwoProfiles.IngestAsync(harness, durable);
        var completed = await client.ScheduleNewOrchestrationInstanceAsync(Succeeds);
        var failed = await client.ScheduleNewOrchestrationInstanceAsync(Fails);
        var terminated = await client.ScheduleNewOrchestrationInstanceAsync(WaitsForApproval);
        var running = await client.ScheduleNewOrchestrationInstanceAsync(WaitsForApproval);
        await client.WaitForInstanceStartAsync(terminated);
        await client.TerminateInstanceAsync(terminated);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await durable.WaitAsync(merge.InstanceId)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await durable.WaitAsync(completed)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await durable.WaitAsync(failed)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await durable.WaitAsync(terminated)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.WaitForInstanceStartAsync(running)).RuntimeStatus);

        // The engine stamps instances with the real time; so does the app's clock in Azure.
        var purge = ActivatorUtilities.CreateInstance<PurgeFinishedWorkflows>(harness.Services, TimeProvider.System);
        await purge.Run(new TimerInfo(), client, CancellationToken.None);

        foreach (var id in new[] { merge.InstanceId, completed, failed, terminated })
        {
            Assert.True(await client.GetInstanceAsync(id) is null, $"{id} was not purged");
        }

        // The running one is untouched and still finishes.
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(running))!.RuntimeStatus);
        await client.RaiseEventAsync(running, Approved, "yes");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await durable.WaitAsync(running)).RuntimeStatus);
    }
}
