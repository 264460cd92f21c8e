using Cdp.Core.Destinations;

namespace Cdp.Local.Destinations;

public static class LocalDestinationsServiceCollectionExtensions
{
    /// <summary>The delivery queue on SQLite (table of <see cref="DeliverySchema"/>). Rules and settings come from Core's AddDestinations.</summary>
    public static IServiceCollection AddCdpLocalDestinations(this IServiceCollection services)
    {
        services.AddSingleton(DeliverySchema.Script);
        services.AddSingleton<SqliteDeliveryQueue>();
        services.AddSingleton<IDeliveryQueue>(sp => sp.GetRequiredService<SqliteDeliveryQueue>());
        return services;
    }

    /// <summary>The pump that sends what is queued (hosted: not run by the import command).</summary>
    public static IServiceCollection AddCdpLocalDestinationsHosting(this IServiceCollection services)
    {
        services.AddHostedService<DeliveryPumpService>();
        return services;
    }
}
