using Cdp.Core.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Authorization;

/// <summary>
/// The one call every management function (route <c>api/...</c>) makes: Core's <see cref="ApiAuthorization"/> decides and
/// audits, and the handler runs only for an allowed caller. Pass the trigger's own route constant, the one in its
/// <c>[HttpTrigger]</c>; <c>ApiRouteAuthorizationTests</c> calls every such function and fails when one answers without
/// asking, or audits a route other than its own.
/// </summary>
internal static class FunctionAuthorization
{
    public static async Task<IActionResult> AuthorizedAsync(
        this ApiAuthorization authorization,
        HttpRequest request,
        string route,
        string? id,
        Func<ApiCaller, Task<IActionResult>> handle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(handle);
        var access = await authorization.AuthorizeAsync(request, route, id, cancellationToken);
        return access.Denied ?? await handle(access.Caller!);
    }
}
