using Cdp.Core.Identity;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Profiles;

/// <summary>Adapts Core's merge port to Durable Functions: one orchestration instance per merge request id.</summary>
internal sealed class DurableMergeScheduler(DurableTaskClient client) : IMergeScheduler
{
    /// <summary>The merge orchestrator's function name; the orchestration itself is added with the merge workflow.</summary>
    public const string OrchestrationName = Cdp.Core.Identity.MergeWorkflow.WorkflowName;

    public async Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await client.GetInstanceAsync(request.InstanceId, cancellationToken);

        // A failed or terminated merge is started again: merges are idempotent, and leaving it would keep the
        // profiles apart for good. Two processors racing past this check make one of them throw; its batch is
        // then redelivered and finds the instance.
        if (existing is null
            || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OrchestrationName, request, new StartOrchestrationOptions { InstanceId = request.InstanceId }, cancellationToken);
        }
    }
}
