using Cdp.Core.Authorization;

namespace Cdp.Core.Privacy;

/// <summary>
/// How the privacy routes' access decisions (made by <see cref="ApiAuthorization"/> with Core's one rule,
/// <see cref="ApiAccess"/>) are written to the privacy audit trail: filed under the request the route names, naming the
/// caller and the route, never the credential or personal data.
/// </summary>
public static class PrivacyAccess
{
    /// <summary>The role (an Entra ID app role in Azure) that may file, read and cancel privacy requests.</summary>
    public const string ManageRole = ApiRoles.PrivacyManage;

    /// <inheritdoc cref="ApiAccess.Anonymous"/>
    public const string Anonymous = ApiAccess.Anonymous;

    /// <inheritdoc cref="ApiAccess.UnknownCaller"/>
    public const string UnknownCaller = ApiAccess.UnknownCaller;

    /// <summary>The audit request id of a decision about a route that names no request (submit, list, discovery).</summary>
    public const string NoRequest = "-";

    /// <summary>True for a route whose decisions belong in the privacy audit trail, e.g. "GET /api/privacy/requests/{id}".</summary>
    public static bool Covers(string route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var path = route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        return path.Equals("/api/privacy", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api/privacy/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The audit line of one decision; <paramref name="route"/> is the route template, e.g. "GET /api/privacy/requests/{id}".</summary>
    /// <param name="actorId">The caller's name, <see cref="Anonymous"/> or <see cref="UnknownCaller"/>.</param>
    /// <param name="routeId">The route's <c>{id}</c>: filed under it when it is a request id (a UUID), else under <see cref="NoRequest"/>.</param>
    /// <param name="detail">Why, without personal data (e.g. "403: the caller lacks the Privacy.Manage role").</param>
    public static PrivacyAuditEntry AuditEntry(ApiAccessOutcome outcome, string actorId, string route, string? routeId, string detail, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ArgumentException.ThrowIfNullOrEmpty(route);
        var requestId = Guid.TryParseExact(routeId, "D", out var guid) ? guid.ToString("D") : NoRequest;
        var result = outcome == ApiAccessOutcome.Allowed ? PrivacyAuditOutcomes.Succeeded : PrivacyAuditOutcomes.Rejected;
        return new PrivacyAuditEntry($"access/{Guid.NewGuid():N}", at, requestId, "access " + route, actorId, result, detail);
    }
}
