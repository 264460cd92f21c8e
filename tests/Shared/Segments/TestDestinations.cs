using Cdp.Core.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Tests.Segments;

/// <summary>A destination directory set up by the test, and an activation that records what it was handed.</summary>
internal sealed class TestDestinations(params DestinationSummary[] destinations) : IDestinationDirectory
{
    public IReadOnlyList<DestinationSummary> All => destinations;

    public DestinationSummary? Find(string key) => destinations.FirstOrDefault(d => d.Key == key);
}

internal sealed class RecordingActivation : IAudienceActivation
{
    private readonly List<AudienceDelivery> _deliveries = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<AudienceDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    public Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _deliveries.AddRange(deliveries);
        }

        return Task.CompletedTask;
    }
}
