using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Ingestion;

/// <summary>
/// The Segment Tracking API (<c>POST /v1/{route}</c>) and the source settings browsers load
/// (<c>GET /v1/projects/{writeKey}/settings</c>), bound to Core's <see cref="IngestEndpoint"/> and
/// <see cref="SourceSettingsEndpoint"/>, with their CORS preflights.
/// </summary>
public sealed class IngestFunction(IngestEndpoint endpoint, SourceSettingsEndpoint settings)
{
    // Anonymous at the platform: the write key in the request is the credential, and Core checks it.
    // 200 is answered only after the queue (Event Hubs) acknowledged the accepted events.
    [Function("Ingest")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{route}")] HttpRequest req,
        string route,
        CancellationToken cancellationToken) =>
        await endpoint.PostAsync(route, req, cancellationToken);

    // Anonymous: browsers send a preflight without credentials, so a function key could never be on it.
    [Function("IngestPreflight")]
    public static IActionResult Preflight(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "v1/{route}")] HttpRequest req,
        string route) =>
        IngestEndpoint.Preflight(route, req);

    // The same 405 the local host answers for another method on an ingest route (it would otherwise be a bare 404).
    [Function("IngestMethodNotAllowed")]
    public static IActionResult MethodNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", "patch", "delete", Route = "v1/{route}")] HttpRequest req,
        string route) =>
        IngestEndpoint.MethodNotAllowed(route, req);

    // Anonymous: pages load settings by write key alone, which is public in their source anyway.
    [Function("SourceSettings")]
    public async Task<IActionResult> Settings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/projects/{writeKey}/settings")] HttpRequest req,
        string writeKey,
        CancellationToken cancellationToken) =>
        await settings.GetAsync(writeKey, req, cancellationToken);

    [Function("SourceSettingsPreflight")]
    public static IActionResult SettingsPreflight(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "v1/projects/{writeKey}/settings")] HttpRequest req) =>
        SourceSettingsEndpoint.Preflight(req);
}
