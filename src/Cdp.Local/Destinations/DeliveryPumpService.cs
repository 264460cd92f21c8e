using Cdp.Core.Destinations;

namespace Cdp.Local.Destinations;

/// <summary>
/// Runs Core's <see cref="DeliveryPump"/> in the embedded host: one loop per destination, woken when something is queued
/// for it and otherwise looking every <c>Cdp:Delivery:PollSeconds</c>. Deliveries a killed host had leased are sent again
/// once their lease expires.
/// </summary>
public sealed class DeliveryPumpService(DeliveryPump pump) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pump.RunAsync(stoppingToken);
}
