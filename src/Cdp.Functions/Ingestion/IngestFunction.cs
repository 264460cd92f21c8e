using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Ingestion;

/// <summary>The Segment Tracking API: <c>POST /v1/{batch|track|identify|page|screen|group|alias}</c>.</summary>
public sealed class IngestFunction(EventIntake intake)
{
    // Anonymous at the platform: the write key in the request is the credential, and Core checks it.
    [Function("Ingest")]
    public async Task<IngestOutput> Run(
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
        return IntakeResponses.From(result, req.HttpContext.Response);
    }
}
