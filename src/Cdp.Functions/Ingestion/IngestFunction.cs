using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Ingestion;

/// <summary>The Segment Tracking API: <c>POST /v1/{route}</c>, bound to Core's <see cref="IngestEndpoint"/>.</summary>
public sealed class IngestFunction(IngestEndpoint endpoint)
{
    // Anonymous at the platform: the write key in the request is the credential, and Core checks it.
    // 200 is answered only after the queue (Event Hubs) acknowledged the accepted events.
    [Function("Ingest")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{route}")] HttpRequest req,
        string route,
        CancellationToken cancellationToken) =>
        await endpoint.PostAsync(route, req, cancellationToken);
}
