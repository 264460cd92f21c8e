using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Functions.Privacy;

public static class DurableWorkflowClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DurableWorkflowClient"/> as Core's <see cref="IWorkflowClient"/>.</summary>
    public static IServiceCollection AddDurableWorkflowClient(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DurableWorkflowClient>();
        services.TryAddSingleton<IWorkflowClient>(sp => sp.GetRequiredService<DurableWorkflowClient>());
        return services;
    }
}
