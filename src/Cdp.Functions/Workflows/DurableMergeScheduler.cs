using Cdp.Core.Identity;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Workflows;

/// <summary>
/// Core's merge port on Durable Functions: one orchestration per merge request id, through the client the calling
/// function lent to <see cref="DurableWorkflowClient"/>. Unlike other workflows, a failed or terminated merge is started
/// again: merges are idempotent, and leaving it would keep one person's profiles apart for good.
/// </summary>
internal sealed class DurableMergeScheduler(DurableWorkflowClient workflows) : IMergeScheduler
{
    public async Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = workflows.LentClient;
        var existing = await client.GetInstanceAsync(request.InstanceId, cancellationToken);

        // Two processors racing past this check make one of them throw; its batch is then retried and finds the instance.
        if (existing is null
            || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                MergeWorkflow.WorkflowName, request, new StartOrchestrationOptions { InstanceId = request.InstanceId }, cancellationToken);
        }
    }
}
