using System.Net.Http.Headers;
using Cdp.Core.Privacy;

namespace Cdp.Local.Privacy;

/// <summary>
/// Guards the privacy routes: <c>Authorization: Bearer &lt;API key&gt;</c> with the <see cref="PrivacyAccess.ManageRole"/>
/// role (Core's rule), else 401 (missing or unknown key) or 403 (a key without the role). Each decision is audited with the
/// key's name and the route template; the key and the request's content are not.
/// </summary>
public sealed class ComplianceAuthorization(ApiKeyCallers callers, IPrivacyAuditLog audit, TimeProvider time) : IEndpointFilter
{
    private const string CallerItem = "cdp.privacy.caller";

    /// <summary>The authorised caller's name, for the audit lines the handlers' calls write.</summary>
    public static string CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] as string ?? throw new InvalidOperationException("the route is not behind ComplianceAuthorization");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var (actor, caller) = Identify(http.Request.Headers.Authorization.ToString());
        var outcome = PrivacyAccess.Decide(caller?.Name, caller?.Roles ?? []);
        var route = $"{http.Request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value}";
        var requestId = http.Request.RouteValues.TryGetValue("id", out var id) && Guid.TryParseExact(id as string, "D", out var guid)
            ? guid.ToString("D")
            : PrivacyAccess.NoRequest;
        await audit.AppendAsync(PrivacyAccess.AuditEntry(outcome, actor, route, requestId, time.GetUtcNow()), http.RequestAborted);
        switch (outcome)
        {
            case PrivacyAccessOutcome.Allowed:
                http.Items[CallerItem] = caller!.Name;
                return await next(context);
            case PrivacyAccessOutcome.Forbidden:
                return PrivacyApi.Error(StatusCodes.Status403Forbidden, $"the API key '{caller!.Name}' lacks the {PrivacyAccess.ManageRole} role");
            default:
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"cdp-privacy\"";
                return PrivacyApi.Error(StatusCodes.Status401Unauthorized,
                    $"send a compliance API key (role {PrivacyAccess.ManageRole}) as 'Authorization: Bearer <key>'; ingestion write keys are not accepted here");
        }
    }

    private (string Actor, ApiCaller? Caller) Identify(string authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(header.Parameter))
        {
            return (PrivacyAccess.Anonymous, null);
        }

        return callers.Find(header.Parameter.Trim()) is { } caller ? (caller.Name, caller) : (PrivacyAccess.UnknownCaller, null);
    }
}
