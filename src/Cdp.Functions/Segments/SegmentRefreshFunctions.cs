using Cdp.Core.Segments;
using Cdp.Core.Workflows;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Segments;

/// <summary>
/// The segment refresh (written once in Core, ADR 0013) as a Durable orchestration and its activities, and the timer that
/// starts it on <c>SegmentRefreshSchedule</c>.
/// </summary>
public sealed partial class SegmentRefreshFunctions(
    SegmentRefreshWorkflow workflow,
    ListProfileShardsActivity listShards,
    RefreshShardActivity refreshShard,
    SegmentRefreshStarter starter,
    DurableWorkflowClient workflows,
    ILogger<SegmentRefreshFunctions> logger)
{
    [Function(SegmentRefreshWorkflow.WorkflowName)]
    public Task<SegmentRefreshCounts> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        workflow.RunAsync(new DurableOrchestrationContext(context), context.GetInput<SegmentRefreshRequest>()!);

    [Function(ListProfileShardsActivity.ActivityName)]
    public Task<List<string>> ListShards([ActivityTrigger] SegmentRefreshRequest input, CancellationToken cancellationToken) =>
        listShards.RunAsync(input, cancellationToken);

    [Function(RefreshShardActivity.ActivityName)]
    public Task<SegmentRefreshCounts> RefreshShard([ActivityTrigger] ShardRefresh input, CancellationToken cancellationToken) =>
        refreshShard.RunAsync(input, cancellationToken);

    /// <summary>
    /// Starts the refresh of the slot that is due. The instance id is the slot's, so a timer that fires twice for one slot
    /// (two instances, a restart) starts it once; after downtime, the one past-due firing starts the latest slot, which
    /// evaluates everyone and so covers the slots missed.
    /// </summary>
    [Function("SegmentRefreshTimer")]
    public async Task Schedule(
        [TimerTrigger("%SegmentRefreshSchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        using var lent = workflows.Use(durable);
        var instance = await starter.StartDueAsync(cancellationToken);
        LogStarted(logger, instance.InstanceId, instance.Status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment refresh {InstanceId} is {Status}")]
    private static partial void LogStarted(ILogger logger, string instanceId, WorkflowStatus status);
}
