using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Local.Identity;
using Cdp.Local.Ingestion;
using Cdp.Local.Profiles;
using Cdp.Tests.Contract;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Storage;

public sealed class SqliteProfileStoreContractTests : ProfileStoreContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    protected override IProfileStore CreateStore() => new SqliteProfileStore(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}

public sealed class SqliteTimelineStoreContractTests : TimelineStoreContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    protected override ITimelineStore CreateStore() => new SqliteTimelineStore(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}

public sealed class SqliteIdentityIndexContractTests : IdentityIndexContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    protected override IIdentityIndex CreateIndex() => new SqliteIdentityIndex(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}

public sealed class SqliteDedupStoreContractTests : DedupStoreContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    protected override IDedupStore CreateStore(TimeProvider time) => new SqliteDedupStore(_scratch.Database, time);

    public void Dispose() => _scratch.Dispose();
}

public sealed class FileRawEventArchiveContractTests : RawEventArchiveContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    protected override IRawEventArchive CreateArchive() => new FileRawEventArchive(Options.Create(_scratch.Options));

    public void Dispose() => _scratch.Dispose();
}

public sealed class SqliteConsentArchiveContractTests : ConsentArchiveContract, IDisposable
{
    private readonly ScratchDatabase _scratch = new(scripts: SqliteConsentArchive.Schema);

    protected override IConsentArchive CreateArchive() => new SqliteConsentArchive(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}
