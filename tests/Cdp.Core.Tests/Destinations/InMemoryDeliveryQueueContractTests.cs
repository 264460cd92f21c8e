using Cdp.Core.Destinations;
using Cdp.Tests.Contract;
using Cdp.Tests.InMemory;

namespace Cdp.Core.Tests.Destinations;

public sealed class InMemoryDeliveryQueueContractTests : DeliveryQueueContract
{
    protected override IDeliveryQueue CreateQueue() => new InMemoryDeliveryQueue();
}
