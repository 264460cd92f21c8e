using Cdp.Azure.Identity;
using Cdp.Azure.Ingestion;
using Cdp.Azure.Profiles;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Tests.Contract;

namespace Cdp.Azure.Tests.Contract;

[RequiresCosmos]
public sealed class CosmosProfileStoreContract(CosmosContractAccount account) : ProfileStoreContract, IClassFixture<CosmosContractAccount>
{
    protected override IProfileStore CreateStore() => new CosmosProfileStore(account.Container(o => o.ProfilesContainer));
}

[RequiresCosmos]
public sealed class CosmosTimelineStoreContract(CosmosContractAccount account) : TimelineStoreContract, IClassFixture<CosmosContractAccount>
{
    protected override ITimelineStore CreateStore() => new CosmosTimelineStore(account.Container(o => o.EventsContainer));
}

[RequiresCosmos]
public sealed class CosmosConsentArchiveContract(CosmosContractAccount account) : ConsentArchiveContract, IClassFixture<CosmosContractAccount>
{
    protected override IConsentArchive CreateArchive() => new CosmosConsentArchive(account.Container(o => o.EventsContainer));
}

[RequiresCosmos]
public sealed class CosmosIdentityIndexContract(CosmosContractAccount account) : IdentityIndexContract, IClassFixture<CosmosContractAccount>
{
    protected override IIdentityIndex CreateIndex() => new CosmosIdentityIndex(account.Container(o => o.IdentitiesContainer));
}

[RequiresCosmos]
public sealed class CosmosDedupStoreContract(CosmosContractAccount account) : DedupStoreContract, IClassFixture<CosmosContractAccount>
{
    protected override IDedupStore CreateStore(TimeProvider time) => new CosmosDedupStore(account.Container(o => o.DedupContainer), time);
}
