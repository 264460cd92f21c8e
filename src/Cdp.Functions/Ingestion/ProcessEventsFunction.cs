using Cdp.Azure.Ingestion;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Ingestion;

/// <summary>Processes batches from the hub: identity resolution, profile update, archive (all in Core).</summary>
public sealed class ProcessEventsFunction(HubBatchRetry batches, EventProcessor processor, DurableWorkflowClient workflows, IMergeScheduler merges)
{
    // The served Event Hubs extension (5.1.0) has no function-level retry and checkpoints past a batch however its
    // invocation ended, so Core's HubBatchRetry retries, sets poison messages aside and hands interrupted work back
    // to the hub (ADR 0007). What still propagates is an interruption, after the hand-back.
    [Function("ProcessEvents")]
    public async Task Run(
        [EventHubTrigger(EventHub.Name, Connection = EventHub.Connection)] string[] events,
        [DurableClient] DurableTaskClient durable,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        using var lent = workflows.Use(durable);
        await batches.ProcessAsync(events, HubTriggerMetadata.OriginOf(context), (batch, ct) => processor.ProcessAsync(batch, merges, ct), cancellationToken);
    }
}
