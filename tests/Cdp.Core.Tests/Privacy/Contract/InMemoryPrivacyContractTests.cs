using Cdp.Core.Privacy;
using Cdp.Tests.Contract;
using Cdp.Tests.InMemory;

namespace Cdp.Core.Tests.Privacy.Contract;

public sealed class InMemoryPrivacyRequestStoreContractTests : PrivacyRequestStoreContract
{
    protected override IPrivacyRequestStore CreateStore() => new InMemoryPrivacyRequestStore();
}

public sealed class InMemorySuppressionListContractTests : SuppressionListContract
{
    protected override ISuppressionList CreateList() => new InMemorySuppressionList();
}

public sealed class InMemoryPrivacyAuditLogContractTests : PrivacyAuditLogContract
{
    protected override IPrivacyAuditLog CreateLog() => new InMemoryPrivacyAuditLog();
}

public sealed class InMemoryDocumentAreaContractTests : DocumentAreaContract
{
    protected override IDocumentArea CreateArea() => new InMemoryDocumentArea();
}

public sealed class InMemoryExportLedgerContractTests : ExportLedgerContract
{
    protected override IExportLedger CreateLedger() => new InMemoryExportLedger();
}
