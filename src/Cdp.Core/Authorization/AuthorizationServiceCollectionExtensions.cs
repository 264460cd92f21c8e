using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Authorization;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Core's guard of the management routes. The host adds how callers are identified (<see cref="IApiCallers"/>) and
    /// where decisions are kept (<see cref="IAccessAuditLog"/>).
    /// </summary>
    public static IServiceCollection AddCdpApiAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<ApiAuthorization>();
        return services;
    }
}
