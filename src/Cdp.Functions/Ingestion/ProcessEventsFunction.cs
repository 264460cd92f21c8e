using Cdp.Azure.Ingestion;
using Cdp.Core.Ingestion;
using Cdp.Core.Identity;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Ingestion;

/// <summary>Processes batches from the hub: identity resolution, profile update, archive (all in Core).</summary>
public sealed class ProcessEventsFunction(
    QueuedEventReader reader, EventProcessor processor, DurableWorkflowClient workflows, IMergeScheduler merges, ILogger<ProcessEventsFunction> logger)
{
    // Exceptions propagate on purpose. Without a retry policy the trigger would checkpoint past a failed batch
    // and lose it; with one the batch is retried until it succeeds (Core's processing is idempotent). A message
    // that can never succeed does not block the partition: EventHubMessages skips it before processing.
    [Function("ProcessEvents")]
    public async Task Run(
        [EventHubTrigger(EventHub.Name, Connection = EventHub.Connection)] string[] events,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        var parsed = EventHubMessages.Parse(reader, events, logger);
        using var lent = workflows.Use(durable);
        await processor.ProcessAsync(parsed, merges, cancellationToken);
    }
}
