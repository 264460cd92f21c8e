using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Cosmos;

/// <summary>The configured containers of the <c>cdp</c> database. Getting one is local: no request is sent.</summary>
internal sealed class CosmosContainers(CosmosClient client, IOptions<CdpAzureOptions> options)
{
    private readonly CdpAzureOptions _options = options.Value;

    public Container Profiles => Get(_options.ProfilesContainer);

    public Container Identities => Get(_options.IdentitiesContainer);

    public Container Events => Get(_options.EventsContainer);

    public Container Segments => Get(_options.SegmentsContainer);

    public Container SegmentMembers => Get(_options.SegmentMembersContainer);

    public Container Privacy => Get(_options.PrivacyContainer);

    public Container Dedup => Get(_options.DedupContainer);

    public Container ExportLedger => Get(_options.ExportLedgerContainer);

    public Container Deliveries => Get(_options.DeliveriesContainer);

    private Container Get(string name) => client.GetContainer(_options.DatabaseName, name);
}
