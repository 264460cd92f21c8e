using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.Contract;
using Cdp.Tests.InMemory;

namespace Cdp.Core.Tests.Contract;

// The in-memory ports stand in for Cosmos DB, Blob and SQLite in the other suites and the benchmark,
// so they must keep the same contract as the real stores.

public sealed class InMemoryProfileStoreContractTests : ProfileStoreContract
{
    protected override IProfileStore CreateStore() => new InMemoryProfileStore();
}

public sealed class InMemoryIdentityIndexContractTests : IdentityIndexContract
{
    protected override IIdentityIndex CreateIndex() => new InMemoryIdentityIndex();
}

// The ports' default bulk reads (a point read per id), which a store without a bulk read of its own inherits.
public sealed class DefaultBulkReadProfileStoreContractTests : ProfileStoreContract
{
    protected override IProfileStore CreateStore() => new PointReadProfileStore(new InMemoryProfileStore());
}

public sealed class DefaultBulkReadIdentityIndexContractTests : IdentityIndexContract
{
    protected override IIdentityIndex CreateIndex() => new PointReadIdentityIndex(new InMemoryIdentityIndex());
}

public sealed class InMemoryTimelineStoreContractTests : TimelineStoreContract
{
    protected override ITimelineStore CreateStore() => new InMemoryTimelineStore();
}

public sealed class InMemoryDedupStoreContractTests : DedupStoreContract
{
    protected override IDedupStore CreateStore(TimeProvider time) => new InMemoryDedupStore(time);
}

public sealed class InMemoryRawEventArchiveContractTests : RawEventArchiveContract
{
    protected override IRawEventArchive CreateArchive() => new InMemoryRawEventArchive();
}

public sealed class InMemoryConsentArchiveContractTests : ConsentArchiveContract
{
    protected override IConsentArchive CreateArchive() => new InMemoryConsentArchive();
}
