using System.Net;
using Cdp.Azure.Privacy;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class CosmosPrivacyAuditLogTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task AppendAsync_EntryIdWithSlashes_CreatesAnAuditDocumentWithAValidIdInItsOwnPartition()
    {
        AuditDocument? written = null;
        PartitionKey? partition = null;
        _container.Setup(c => c.CreateItemAsync(It.IsAny<AuditDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<AuditDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => (written, partition) = (d, pk))
            .ReturnsAsync((ItemResponse<AuditDocument>)null!);

        await Log().AppendAsync(new PrivacyAuditEntry("r-1/1/started", Now, "r-1", "started", "workflow", "succeeded", "attempt 1"), CancellationToken.None);

        Assert.Matches("^audit:[0-9a-f]{64}$", written!.Id);
        Assert.Equal(new PartitionKey(written.Id), partition);
        Assert.Equal("audit", written.Kind);
        Assert.Equal("r-1/1/started", written.EntryId);
    }

    [Fact]
    public async Task AppendAsync_SameEntryAgain_IsANoOpAndNeverOverwrites()
    {
        _container.Setup(c => c.CreateItemAsync(It.IsAny<AuditDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        await Log().AppendAsync(new PrivacyAuditEntry("r-1/submitted", Now, "r-1", "submitted", "client-2", "succeeded"), CancellationToken.None);

        _container.Verify(c => c.CreateItemAsync(It.IsAny<AuditDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()),
            Times.Once);
        _container.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListAsync_EntriesInAnyOrder_QueriesTheRequestsAuditLinesAndReturnsThemOldestFirst()
    {
        QueryDefinition? query = null;
        IReadOnlyList<AuditDocument> stored =
        [
            AuditDocument.From(new PrivacyAuditEntry("r-1/1/completed", Now.AddMinutes(2), "r-1", "completed", "workflow", "succeeded")),
            AuditDocument.From(new PrivacyAuditEntry("r-1/submitted", Now, "r-1", "submitted", "client-1", "succeeded")),
            AuditDocument.From(new PrivacyAuditEntry("r-1/1/started", Now.AddMinutes(1), "r-1", "started", "workflow", "succeeded")),
        ];
        _container.Setup(c => c.GetItemQueryIterator<AuditDocument>(It.IsAny<QueryDefinition>(), null, null))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(stored, null)));

        var entries = await Log().ListAsync("r-1", CancellationToken.None);

        Assert.Equal(["submitted", "started", "completed"], entries.Select(e => e.Action));
        Assert.Equal(new PrivacyAuditEntry("r-1/submitted", Now, "r-1", "submitted", "client-1", "succeeded"), entries[0]);
        Assert.Equal(CosmosPrivacyAuditLog.ByRequestQuery, query!.QueryText);
        Assert.Equal(("@requestId", (object)"r-1"), query.GetQueryParameters().Single());
    }

    private CosmosPrivacyAuditLog Log() => new(_container.Object);
}
