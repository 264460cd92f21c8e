using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

public static class HubRetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers how a host that consumes the event hub processes its batches (<see cref="HubBatchRetry"/>): retries,
    /// poison isolation, dead letters (metrics: <see cref="ProcessingMetrics"/>, registered by AddCdpCore). The host supplies <see cref="IDeadLetterArchive"/> and
    /// <see cref="IEventQueue"/>; <see cref="ITransientFaults"/> defaults to <see cref="CommonTransientFaults"/> unless the
    /// storage adapters registered their own. Settings bind from the host's configuration (<c>Cdp:Processing:HubRetry</c>)
    /// and are validated at start-up.
    /// </summary>
    public static IServiceCollection AddHubBatchRetry(this IServiceCollection services)
    {
        services.AddOptions<HubRetryOptions>()
            .BindConfiguration(HubRetryOptions.SectionName, o => o.ErrorOnUnknownConfiguration = false)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubRetryOptions>, HubRetryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITransientFaults, CommonTransientFaults>();
        services.TryAddSingleton<RetryLoop>();
        services.TryAddSingleton<HubBatchRetry>();
        return services;
    }
}
