using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Workflows;

/// <summary>
/// Durable Functions keeps every instance's inputs and outputs in its history; an erasure's history names the subject
/// while it runs. Finished instances are purged on a schedule, as the local host purges its journal on completion.
/// </summary>
public sealed class PurgeFinishedWorkflows(TimeProvider time, ILogger<PurgeFinishedWorkflows> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    [Function(nameof(PurgeFinishedWorkflows))]
    public async Task Run(
        [TimerTrigger("%WorkflowPurgeSchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);

        // CreatedFrom must be set: with it null the Durable Task gRPC sidecar fails the purge (a NullReferenceException
        // converting the filter; PurgeFinishedWorkflowsTests). The Unix epoch is before any instance was created and,
        // unlike DateTimeOffset.MinValue, not at the edge of a storage backend's date range.
        var result = await client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.UnixEpoch, CreatedTo: time.GetUtcNow(), Statuses: Finished), cancellationToken);
        logger.LogInformation("Purged {Count} finished workflow instances", result.PurgedInstanceCount);
    }
}
