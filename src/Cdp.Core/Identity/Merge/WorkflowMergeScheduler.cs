using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>Starts merges on the workflow engine the host runs (the local journaled runner).</summary>
public sealed class WorkflowMergeScheduler(IWorkflowClient workflows) : IMergeScheduler
{
    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return workflows.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request, cancellationToken);
    }
}
