namespace Cdp.Core.Authorization;

/// <summary>What a caller of a management route may do, decided from who they are and the route's role.</summary>
public enum ApiAccessOutcome
{
    /// <summary>A known caller holding the route's role.</summary>
    Allowed,

    /// <summary>401: no credential, or one that matches no caller.</summary>
    Unauthenticated,

    /// <summary>403: a known caller without the route's role (or a route no role grants).</summary>
    Forbidden,
}

/// <summary>
/// The one authorization rule of the management API, shared by both hosts: which role a route needs, and whether a
/// caller gets in. The role follows from the route's area and method, so a new route under an existing area is covered
/// without a change here; a route outside every area is granted to nobody (fail closed), which the route-table tests
/// of both hosts turn into a failing test rather than an open route.
/// </summary>
public static class ApiAccess
{
    /// <summary>Audit actor of a call that carried no credential.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Audit actor of a call whose credential matched no caller (the credential itself is never recorded).</summary>
    public const string UnknownCaller = "unknown-caller";

    /// <summary>Every route under this prefix is a management route; ingestion (<c>/v1</c>) and <c>/health</c> are not.</summary>
    public const string Prefix = "/api";

    /// <summary>The role <paramref name="method"/> on <paramref name="routeTemplate"/> needs; null when no role grants it.</summary>
    /// <param name="routeTemplate">The route as mapped, with or without the leading slash, e.g. <c>api/profiles/{id}</c>.</param>
    public static string? RequiredRole(string method, string routeTemplate)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        var route = Normalize(routeTemplate);
        if (Under(route, "/api/privacy"))
        {
            return ApiRoles.PrivacyManage;
        }

        if (Under(route, "/api/segments") || Under(route, "/api/destinations"))
        {
            return ApiRoles.SegmentsManage;
        }

        if (Under(route, "/api/profiles"))
        {
            // Consent lives under a profile: reading it is reading the profile, recording it is changing the profile.
            return IsRead(method) ? ApiRoles.ProfilesRead : ApiRoles.ProfilesWrite;
        }

        return null;
    }

    /// <param name="caller">The identified caller, or null when the credential was missing or matched nobody.</param>
    /// <param name="requiredRole">From <see cref="RequiredRole"/>; null refuses every caller.</param>
    public static ApiAccessOutcome Decide(ApiCaller? caller, string? requiredRole)
    {
        if (caller is null)
        {
            return ApiAccessOutcome.Unauthenticated;
        }

        return requiredRole is not null && caller.Roles.Contains(requiredRole, StringComparer.Ordinal)
            ? ApiAccessOutcome.Allowed
            : ApiAccessOutcome.Forbidden;
    }

    /// <summary>How a route is named in audit lines: method and template, e.g. <c>GET /api/profiles/{id}</c>, never the concrete path.</summary>
    public static string RouteName(string method, string routeTemplate)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return method.ToUpperInvariant() + " " + Normalize(routeTemplate);
    }

    /// <summary>True for the routes this rule governs (everything under <see cref="Prefix"/>).</summary>
    public static bool Governs(string routeTemplate) => Under(Normalize(routeTemplate), Prefix);

    private static bool IsRead(string method) =>
        string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string routeTemplate)
    {
        ArgumentNullException.ThrowIfNull(routeTemplate);
        var route = routeTemplate.Trim().TrimEnd('/');
        return route.StartsWith('/') ? route : "/" + route;
    }

    private static bool Under(string route, string prefix) =>
        route.Equals(prefix, StringComparison.OrdinalIgnoreCase)
        || (route.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && route[prefix.Length] == '/');
}
