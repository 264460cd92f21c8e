using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Ingestion;

/// <summary>The Segment Tracking API: <c>POST /v1/{batch|track|identify|page|screen|group|alias}</c>.</summary>
public sealed class IngestFunction(EventIntake intake, IEventQueue queue, ILogger<IngestFunction> logger)
{
    // Anonymous at the platform: the write key in the request is the credential, and Core checks it.
    // 200 is answered only after the queue has made the accepted events durable (Event Hubs acknowledged them).
    [Function("Ingest")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{route}")] HttpRequest req,
        string route,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (IngestRoutes.Parse(route) is not { } ingestRoute)
        {
            return IntakeResponses.UnknownRoute(route);
        }

        if (await RequestBody.ReadAsync(req, cancellationToken) is not { } body)
        {
            return IntakeResponses.TooLarge(req.ContentLength);
        }

        var result = await intake.AcceptAsync(ingestRoute, req.Headers.Authorization, body, cancellationToken);
        var stored = result.Status != IntakeStatus.Accepted || await AcceptedEvents.TryEnqueueAsync(queue, result.Accepted, logger, cancellationToken);
        return stored ? IntakeResponses.From(result, req.HttpContext.Response) : IntakeResponses.Unavailable(req.HttpContext.Response);
    }
}
