using Cdp.Azure.Privacy;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class CosmosExportLedgerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task RecordAsync_RecordIdWithSlashes_UpsertsIntoTheProfilePartitionUnderAHashedId()
    {
        ExportRecordDocument? written = null;
        PartitionKey? partition = null;
        _container.Setup(c => c.UpsertItemAsync(It.IsAny<ExportRecordDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<ExportRecordDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => (written, partition) = (d, pk))
            .ReturnsAsync((ItemResponse<ExportRecordDocument>)null!);
        var record = new ExportRecord("r-1:p-1:2025/03/r-1.json", "p-1", "data-subject", Now, new DocumentRef(DocumentAreas.AccessPackages, "2025/03/r-1.json", "application/json"));

        await Ledger().RecordAsync(record, CancellationToken.None);

        Assert.Equal(new PartitionKey("p-1"), partition);
        Assert.Matches("^[0-9a-f]{64}$", written!.Id);
        Assert.Equal(record, written.ToRecord());
    }

    [Fact]
    public async Task RecordAsync_SameRecordIdAgain_WritesTheSameDocumentId()
    {
        var ids = new List<string>();
        _container.Setup(c => c.UpsertItemAsync(It.IsAny<ExportRecordDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<ExportRecordDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, _, _, _) => ids.Add(d.Id))
            .ReturnsAsync((ItemResponse<ExportRecordDocument>)null!);
        var record = new ExportRecord("x1:p-1", "p-1", "mailchimp", Now);

        await Ledger().RecordAsync(record, CancellationToken.None);
        await Ledger().RecordAsync(record with { ErasureRequestId = "r-1", FlaggedAt = Now.AddDays(1) }, CancellationToken.None);

        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task ListByProfileAsync_QueriesOnlyTheProfilePartitionAndReturnsOldestFirst()
    {
        QueryRequestOptions? options = null;
        IReadOnlyList<ExportRecordDocument> stored =
        [
            ExportRecordDocument.From(new ExportRecord("x2:p-1", "p-1", "webhook", Now.AddDays(1))),
            ExportRecordDocument.From(new ExportRecord("x1:p-1", "p-1", "mailchimp", Now, ErasureRequestId: "r-1", FlaggedAt: Now.AddDays(2))),
        ];
        _container.Setup(c => c.GetItemQueryIterator<ExportRecordDocument>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((_, _, o) => options = o)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(stored, null)));

        var records = await Ledger().ListByProfileAsync("p-1", CancellationToken.None);

        Assert.Equal(["x1:p-1", "x2:p-1"], records.Select(r => r.Id));
        Assert.Equal("r-1", records[0].ErasureRequestId);
        Assert.Equal(new PartitionKey("p-1"), options!.PartitionKey);
    }

    [Fact]
    public void ExportRecordDocument_AudienceDelivery_KeepsTheFieldsAndSegmentSent()
    {
        var record = new ExportRecord("vip:p-1:crm:1", "p-1", "crm", Now, Fields: ["userId", "email"], Segment: "vip");

        var back = ExportRecordDocument.From(record).ToRecord();

        Assert.Equal(["userId", "email"], back.Fields!);
        Assert.Equal("vip", back.Segment);
    }

    private CosmosExportLedger Ledger() => new(_container.Object);
}
