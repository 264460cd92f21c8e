using Cdp.Core.Destinations;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Destinations;

/// <summary>
/// Sends what the delivery queue holds (Core's <see cref="DeliveryPump"/>), on the NCRONTAB schedule <c>DeliverySchedule</c>
/// (every 10 s as deployed). Timer functions run on one instance at a time; the queue's leases keep an overlapping run
/// from sending a delivery twice at once.
/// </summary>
public sealed class DeliveryPumpFunction(DeliveryPump pump)
{
    public const string FunctionName = "DeliveryPump";

    /// <summary>Stops taking new work well before the next tick.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(8);

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%DeliverySchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        pump.DrainAsync(Budget, cancellationToken);
}
