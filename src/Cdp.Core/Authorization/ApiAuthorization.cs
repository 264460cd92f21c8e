using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Authorization;

/// <summary>The decision on one call: the caller when allowed, else the 401 or 403 answer to return as it is.</summary>
public sealed record ApiAccessResult(ApiCaller? Caller, HttpAnswer? Denied);

/// <summary>
/// Guards every management route on both hosts: identifies the caller through the host's <see cref="IApiCallers"/>, applies
/// <see cref="ApiAccess"/>, audits the decision and answers a refusal (401 with a <c>WWW-Authenticate</c> challenge, or
/// 403) with the same bytes on either host. Decisions on privacy routes also go to the privacy audit trail, where the
/// privacy requests' own history is, as they always have.
/// </summary>
public sealed class ApiAuthorization(IApiCallers callers, IAccessAuditLog accessAudit, IPrivacyAuditLog privacyAudit, TimeProvider time)
{
    private const string CallerItem = "cdp.api.caller";

    /// <param name="routeTemplate">The route as the host mapped it, e.g. <c>/api/profiles/{id}</c> or <c>api/profiles/{id}</c>.</param>
    /// <param name="routeId">The route's <c>{id}</c> value, if it has one (privacy audit lines are filed under a request id).</param>
    public async Task<ApiAccessResult> AuthorizeAsync(HttpRequest request, string routeTemplate, string? routeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lookup = callers.Identify(request);
        var route = ApiAccess.RouteName(request.Method, routeTemplate);
        var role = ApiAccess.RequiredRole(request.Method, routeTemplate);
        var outcome = ApiAccess.Decide(lookup.Caller, role);
        var now = time.GetUtcNow();
        var detail = Detail(outcome, lookup, role);

        if (PrivacyAccess.Covers(route))
        {
            await privacyAudit.AppendAsync(PrivacyAccess.AuditEntry(outcome, lookup.Actor, route, routeId, detail, now), cancellationToken);
        }

        await accessAudit.AppendAsync(
            new AccessAuditEntry($"access/{Guid.NewGuid():N}", now, lookup.Actor, route, role, outcome.ToString().ToLowerInvariant(), detail),
            cancellationToken);

        switch (outcome)
        {
            case ApiAccessOutcome.Allowed:
                request.HttpContext.Items[CallerItem] = lookup.Caller;
                return new ApiAccessResult(lookup.Caller, null);
            case ApiAccessOutcome.Forbidden:
                return new ApiAccessResult(null, HttpAnswer.Error(StatusCodes.Status403Forbidden, role is null
                    ? $"no role grants {route}"
                    : $"the caller '{lookup.Caller!.Id}' lacks the {role} role"));
            default:
                var unknown = lookup.CredentialPresented ? "the credential matches no caller; " : string.Empty;
                var needs = role is null ? "no role grants this route" : $"this route needs the {role} role";
                var challenge = $"Bearer realm=\"{callers.Realm}\"" + (role is null ? string.Empty : $", scope=\"{role}\"")
                    + (lookup.CredentialPresented ? ", error=\"invalid_token\"" : string.Empty);
                return new ApiAccessResult(null, HttpAnswer
                    .Error(StatusCodes.Status401Unauthorized, $"{unknown}{callers.HowToAuthenticate}; {needs}")
                    .WithHeader("WWW-Authenticate", challenge));
        }
    }

    /// <summary>The caller an allowed call was made by, for handlers that record who acted (e.g. who filed a privacy request).</summary>
    public static ApiCaller CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] as ApiCaller ?? throw new InvalidOperationException("the route was not authorized by ApiAuthorization");
    }

    private static string Detail(ApiAccessOutcome outcome, CallerLookup lookup, string? role) => outcome switch
    {
        ApiAccessOutcome.Allowed => "allowed",
        ApiAccessOutcome.Forbidden when role is null => "403: no role grants this route",
        ApiAccessOutcome.Forbidden => $"403: the caller lacks the {role} role",
        _ => lookup.CredentialPresented ? "401: the credential matches no caller" : "401: no credential",
    };
}
