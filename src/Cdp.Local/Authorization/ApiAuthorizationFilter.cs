using Cdp.Core.Authorization;

namespace Cdp.Local.Authorization;

/// <summary>
/// Puts Core's <see cref="ApiAuthorization"/> in front of every route of the <c>/api</c> group
/// (<see cref="LocalAuthorizationExtensions.MapAuthorizedApi"/>): a route mapped in the group cannot skip it.
/// Endpoint filters run after parameter binding, so the group's handlers bind only route values and services and read
/// bodies and queries themselves (through Core's endpoints); a handler binding a body would answer 400 before 401.
/// </summary>
public sealed class ApiAuthorizationFilter(ApiAuthorization authorization) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var template = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText
            ?? throw new InvalidOperationException($"{http.Request.Path} reached the /api filter without a route endpoint");
        var id = http.Request.RouteValues.TryGetValue("id", out var value) ? value as string : null;
        var access = await authorization.AuthorizeAsync(http.Request, template, id, http.RequestAborted);
        return access.Denied ?? await next(context);
    }
}
