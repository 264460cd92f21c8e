using Cdp.Azure.Identity;
using Cdp.Azure.Ingestion;
using Cdp.Azure.Profiles;
using Cdp.Bench.Cosmos;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Tests.Contract;

namespace Cdp.Azure.Tests.Contract;

// The Cosmos DB adapters on the benchmark's in-process fake (bench/Cdp.Bench/Cosmos): the port contracts passing
// here is what lets the benchmark's count of requests per event stand for what the adapters send to a real account.
public sealed class FakeCosmosProfileStoreContract : ProfileStoreContract
{
    protected override IProfileStore CreateStore() => new CosmosProfileStore(new FakeCosmos().Container("profiles"));
}

public sealed class FakeCosmosIdentityIndexContract : IdentityIndexContract
{
    protected override IIdentityIndex CreateIndex() => new CosmosIdentityIndex(new FakeCosmos().Container("identities"));
}

public sealed class FakeCosmosDedupStoreContract : DedupStoreContract
{
    protected override IDedupStore CreateStore(TimeProvider time) => new CosmosDedupStore(new FakeCosmos().Container("dedup"), time);
}

public sealed class FakeCosmosTimelineStoreContract : TimelineStoreContract
{
    protected override ITimelineStore CreateStore() => new CosmosTimelineStore(new FakeCosmos().Container("events"));
}
