using Cdp.Core.Authorization;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Workflows;
using Cdp.Functions.Authorization;
using Cdp.Functions.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// What the Functions app adds to Core and the Azure adapters: Core's workflow client and merge scheduler over
    /// Durable Functions, and Core's retry and poison-message isolation for the Event Hubs trigger (settings from the
    /// host's configuration); callers of the management routes identified by App Service authentication, and their access
    /// decisions logged to Application Insights (category <c>Cdp.Audit.Access</c>).
    /// Tests call this on top of the in-memory ports, so they run the app's own wiring.
    /// </summary>
    public static IServiceCollection AddCdpFunctions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DurableWorkflowClient>();
        services.TryAddSingleton<IWorkflowClient>(sp => sp.GetRequiredService<DurableWorkflowClient>());
        services.TryAddSingleton<IMergeScheduler, DurableMergeScheduler>();
        services.AddHubBatchRetry();
        services.AddCdpApiAuthorization();
        services.TryAddSingleton<IApiCallers, AppServicePrincipalCallers>();
        services.TryAddSingleton<IAccessAuditLog, LoggedAccessAuditLog>();
        return services;
    }
}
