using Cdp.Core.Identity;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Cdp.Functions.Identity;

/// <summary>The merge workflow (written once in Core) as a Durable orchestration and its activities.</summary>
public sealed class MergeFunctions(
    MergeWorkflow workflow,
    PlanMergeActivity plan,
    TombstoneProfileActivity tombstone,
    FoldProfileActivity fold,
    RepointIdentitiesActivity repoint,
    MoveTimelineActivity moveTimeline,
    StripTombstoneActivity strip)
{
    [Function(MergeWorkflow.WorkflowName)]
    public Task<MergeOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        workflow.RunAsync(new DurableOrchestrationContext(context), context.GetInput<MergeRequest>()!);

    [Function(PlanMergeActivity.ActivityName)]
    public Task<MergePlan> Plan([ActivityTrigger] MergeRequest input, CancellationToken cancellationToken) =>
        plan.RunAsync(input, cancellationToken);

    [Function(TombstoneProfileActivity.ActivityName)]
    public Task<MergeStep?> Tombstone([ActivityTrigger] MergeStep input, CancellationToken cancellationToken) =>
        tombstone.RunAsync(input, cancellationToken);

    [Function(FoldProfileActivity.ActivityName)]
    public Task<bool> Fold([ActivityTrigger] MergeStep input, CancellationToken cancellationToken) =>
        fold.RunAsync(input, cancellationToken);

    [Function(RepointIdentitiesActivity.ActivityName)]
    public Task<int> Repoint([ActivityTrigger] MergeStep input, CancellationToken cancellationToken) =>
        repoint.RunAsync(input, cancellationToken);

    [Function(MoveTimelineActivity.ActivityName)]
    public Task<int> MoveTimeline([ActivityTrigger] MergeStep input, CancellationToken cancellationToken) =>
        moveTimeline.RunAsync(input, cancellationToken);

    [Function(StripTombstoneActivity.ActivityName)]
    public Task<bool> Strip([ActivityTrigger] MergeStep input, CancellationToken cancellationToken) =>
        strip.RunAsync(input, cancellationToken);
}
