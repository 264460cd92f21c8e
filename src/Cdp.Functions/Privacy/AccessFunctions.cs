using Cdp.Core.Privacy;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Cdp.Functions.Privacy;

/// <summary>The access (and portability) workflow as a Durable orchestration, with the activity that builds the package.</summary>
public sealed class AccessFunctions(AccessWorkflow workflow, BuildAccessPackageActivity buildPackage)
{
    [Function(AccessWorkflow.WorkflowName)]
    public Task<PrivacyWorkflowOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        workflow.RunAsync(new DurableOrchestrationContext(context), context.GetInput<PrivacyWorkflowInput>()!);

    [Function(BuildAccessPackageActivity.ActivityName)]
    public Task<List<DocumentRef>> BuildPackage([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        buildPackage.RunAsync(input, cancellationToken);
}
