using Cdp.Azure.Privacy;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class CosmosSuppressionStatisticsTests
{
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task ReadAsync_CountsSuppressionDocumentsAcrossPagesAndLeavesEventsUncounted()
    {
        string? asked = null;
        var iterator = new Mock<FeedIterator<long>>();
        iterator.SetupSequence(i => i.HasMoreResults).Returns(true).Returns(true).Returns(false);
        iterator.SetupSequence(i => i.ReadNextAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Page<long>([3], "next"))
            .ReturnsAsync(CosmosMocks.Page<long>([4], null));
        _container.Setup(c => c.GetItemQueryIterator<long>(It.IsAny<QueryDefinition>(), null, null))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => asked = q.QueryText)
            .Returns(iterator.Object);

        var summary = await new CosmosSuppressionStatistics(_container.Object).ReadAsync(CancellationToken.None);

        Assert.Equal((7L, (long?)null), (summary.SuppressedIdentities, summary.SuppressedEvents));
        Assert.Equal("SELECT VALUE COUNT(1) FROM c WHERE c.kind = 'suppression'", asked);
    }
}
