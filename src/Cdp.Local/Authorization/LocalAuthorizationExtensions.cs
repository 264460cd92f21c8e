using Cdp.Core;
using Cdp.Core.Authorization;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Authorization;

public static class LocalAuthorizationExtensions
{
    /// <summary>
    /// How the local host identifies management callers (API keys, the admin key made on first start) and keeps its access
    /// trail (SQLite); the announcer is added here so it prints right after the default write key's.
    /// </summary>
    public static IServiceCollection AddCdpLocalAuthorization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiKeyOptions>(configuration, ApiKeyOptions.SectionName);
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddCdpApiAuthorization();
        services.AddSingleton<GeneratedAdminKey>();
        services.AddSingleton<LocalApiKeys>();
        services.AddSingleton<IApiCallers>(sp => sp.GetRequiredService<LocalApiKeys>());
        services.AddSingleton(SqliteAccessAuditLog.Schema);
        services.AddSingleton<SqliteAccessAuditLog>();
        services.AddSingleton<IAccessAuditLog>(sp => sp.GetRequiredService<SqliteAccessAuditLog>());
        services.AddHostedService<ApiKeyAnnouncer>();
        return services;
    }

    /// <summary>
    /// The <c>/api</c> group: every route mapped in it needs a caller with the role Core's <see cref="ApiAccess"/> names,
    /// else 401 or 403, and every decision is audited. Map management capabilities into it, never next to it.
    /// </summary>
    public static RouteGroupBuilder MapAuthorizedApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(ApiAccess.Prefix);
        api.AddEndpointFilter<ApiAuthorizationFilter>();
        return api;
    }
}
