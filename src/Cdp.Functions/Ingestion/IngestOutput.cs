using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Ingestion;

/// <summary>What one ingest call returns: the HTTP answer and the accepted events for the hub.</summary>
public sealed class IngestOutput
{
    [HttpResult]
    public required IActionResult Result { get; init; }

    /// <summary>Each accepted event serialized as one message; empty when nothing was accepted.</summary>
    [EventHubOutput(EventHub.Name, Connection = EventHub.Connection)]
    public required string[] Events { get; init; }
}
