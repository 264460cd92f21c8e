using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;

namespace Cdp.Core.Destinations;

public static class DestinationsServiceCollectionExtensions
{
    /// <summary>
    /// Destinations and delivery: the validated <c>Cdp:Destinations</c> and <c>Cdp:Delivery</c> settings, the directory,
    /// activation into the queue, the pump, member files and the HTTP endpoint. Hosts add an <see cref="IDeliveryQueue"/>
    /// and run <see cref="DeliveryPump.RunAsync"/>.
    /// </summary>
    public static IServiceCollection AddDestinations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DestinationsOptions>()
            .Configure(o => configuration.GetSection(DestinationsOptions.SectionName).Bind(o.Destinations))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DestinationsOptions>, DestinationsOptionsValidator>();
        services.AddValidatedOptions<DeliveryOptions>(configuration, DeliveryOptions.SectionName);

        services.AddSingleton<DestinationDirectory>();
        services.AddSingleton<IDestinationDirectory>(sp => sp.GetRequiredService<DestinationDirectory>());
        services.AddSingleton<DeliverySignal>();

        // Not TryAdd: membership registers a no-op activation by default, and this one replaces it wherever it comes first.
        services.AddSingleton<IAudienceActivation, QueuedAudienceActivation>();

        // The factory's own request logs would print whole webhook URLs, which may carry a token.
        services.AddHttpClient(WebhookSender.ClientName).RemoveAllLoggers();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<AudienceFiles>();
        services.AddSingleton<MemberFiles>();
        services.AddSingleton<MemberFileExport>();
        services.AddSingleton<MemberFileEndpoint>();
        services.AddWorkflowActivity<WriteMemberFilesActivity>();
        services.AddSingleton<DeliveryPump>();
        services.AddSingleton<DestinationsEndpoint>();
        return services;
    }
}
