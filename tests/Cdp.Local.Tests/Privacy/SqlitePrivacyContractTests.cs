using Cdp.Core.Privacy;
using Cdp.Local.Privacy;
using Cdp.Tests.Contract;

namespace Cdp.Local.Tests.Privacy;

/// <summary>The shared privacy port suites, run against the local host's SQLite and file-system implementations.</summary>
public sealed class SqlitePrivacyRequestStoreContractTests : PrivacyRequestStoreContract, IDisposable
{
    private readonly PrivacyDatabase _db = new();

    protected override IPrivacyRequestStore CreateStore() => new SqlitePrivacyRequestStore(_db.Database);

    public void Dispose() => _db.Dispose();
}

public sealed class SqliteSuppressionListContractTests : SuppressionListContract, IDisposable
{
    private readonly PrivacyDatabase _db = new();

    protected override ISuppressionList CreateList() => new SqliteSuppressionList(_db.Database);

    public void Dispose() => _db.Dispose();
}

public sealed class SqlitePrivacyAuditLogContractTests : PrivacyAuditLogContract, IDisposable
{
    private readonly PrivacyDatabase _db = new();

    protected override IPrivacyAuditLog CreateLog() => new SqlitePrivacyAuditLog(_db.Database);

    public void Dispose() => _db.Dispose();
}

public sealed class SqliteExportLedgerContractTests : ExportLedgerContract, IDisposable
{
    private readonly PrivacyDatabase _db = new();

    protected override IExportLedger CreateLedger() => new SqliteExportLedger(_db.Database);

    public void Dispose() => _db.Dispose();
}

public sealed class FileDocumentAreaContractTests : DocumentAreaContract, IDisposable
{
    private readonly PrivacyDatabase _db = new();

    protected override IDocumentArea CreateArea() => new FileDocumentArea(Microsoft.Extensions.Options.Options.Create(_db.Options));

    public void Dispose() => _db.Dispose();
}
