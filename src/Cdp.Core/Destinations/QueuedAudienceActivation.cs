using Cdp.Core.Segments;
namespace Cdp.Core.Destinations;

/// <summary>
/// The activation port over the delivery queue: queues the deliveries (idempotent by id) and wakes their destinations'
/// pumps. Deliveries for destinations no longer configured are not queued: nothing could ever send them.
/// </summary>
public sealed class QueuedAudienceActivation(IDeliveryQueue queue, DestinationDirectory destinations, DeliverySignal signal) : IAudienceActivation
{
    public async Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var known = deliveries.Where(d => destinations.Get(d.Destination) is not null).ToList();
        if (known.Count == 0)
        {
            return;
        }

        await queue.EnqueueAsync(known, cancellationToken);
        foreach (var destination in known.Select(d => d.Destination).Distinct(StringComparer.Ordinal))
        {
            signal.Wake(destination);
        }
    }
}
