using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core.Authorization;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Core's guard of the management routes, registered by a host that serves them, together with how it identifies
    /// callers (<see cref="IApiCallers"/>) and where it keeps decisions (<see cref="IAccessAuditLog"/>). Not part of
    /// <c>AddCdpCore</c>: a process without those routes (the local import command) has neither port.
    /// </summary>
    public static IServiceCollection AddCdpApiAuthorization(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiAuthorization>();
        return services;
    }
}
