
namespace Cdp.Core.Segments;

/// <summary>Until destinations are configured (or their capability is part of the build): there are none.</summary>
internal sealed class NoDestinations : IDestinationDirectory
{
    public IReadOnlyList<DestinationSummary> All => [];

    public DestinationSummary? Find(string key) => null;
}

/// <summary>Until the destinations' delivery queue is registered: transitions are recorded on profiles, nothing is sent.</summary>
internal sealed class NoAudienceActivation : IAudienceActivation
{
    public Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken) => Task.CompletedTask;
}
