using Cdp.Core.Destinations;
using Cdp.Local.Destinations;
using Cdp.Tests.Contract;

namespace Cdp.Local.Tests.Destinations;

public sealed class SqliteDeliveryQueueContractTests : DeliveryQueueContract, IDisposable
{
    private readonly DeliveryDatabase _scratch = new();

    protected override IDeliveryQueue CreateQueue() => new SqliteDeliveryQueue(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}
