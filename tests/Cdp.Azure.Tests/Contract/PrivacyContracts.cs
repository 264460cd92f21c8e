using Cdp.Azure.Privacy;
using Cdp.Azure.Tests.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Tests.Contract;

namespace Cdp.Azure.Tests.Contract;

/// <summary>The shared document-area contract against Azurite, always (test.sh starts it).</summary>
public sealed class BlobDocumentAreaContract(AzuriteBlobs azurite) : DocumentAreaContract, IClassFixture<AzuriteBlobs>
{
    protected override IDocumentArea CreateArea() =>
        new BlobDocumentArea(DocumentAreas.All.ToDictionary(a => a, _ => azurite.NewContainer(), StringComparer.Ordinal));
}

[RequiresCosmos]
public sealed class CosmosPrivacyRequestStoreContract(CosmosContractAccount account) : PrivacyRequestStoreContract, IClassFixture<CosmosContractAccount>
{
    protected override IPrivacyRequestStore CreateStore() => new CosmosPrivacyRequestStore(account.Container(o => o.PrivacyContainer));
}

[RequiresCosmos]
public sealed class CosmosSuppressionListContract(CosmosContractAccount account) : SuppressionListContract, IClassFixture<CosmosContractAccount>
{
    protected override ISuppressionList CreateList() => new CosmosSuppressionList(account.Container(o => o.PrivacyContainer));
}

[RequiresCosmos]
public sealed class CosmosPrivacyAuditLogContract(CosmosContractAccount account) : PrivacyAuditLogContract, IClassFixture<CosmosContractAccount>
{
    protected override IPrivacyAuditLog CreateLog() => new CosmosPrivacyAuditLog(account.Container(o => o.PrivacyContainer));
}

[RequiresCosmos]
public sealed class CosmosExportLedgerContract(CosmosContractAccount account) : ExportLedgerContract, IClassFixture<CosmosContractAccount>
{
    protected override IExportLedger CreateLedger() => new CosmosExportLedger(account.Container(o => o.ExportLedgerContainer));
}
