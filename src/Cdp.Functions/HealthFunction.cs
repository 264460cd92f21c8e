using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions;

/// <summary><c>GET /health</c>: the worker is up and answering (dependencies are not probed).</summary>
public static class HealthFunction
{
    [Function("Health")]
    public static IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req) =>
        HttpAnswer.Json(StatusCodes.Status200OK, w => w.WriteString("status", "healthy"));
}
