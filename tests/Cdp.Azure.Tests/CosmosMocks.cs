using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Azure.Cosmos;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests;

/// <summary>Canned Cosmos DB SDK responses, so the adapters' request shapes can be checked without a network.</summary>
internal static class CosmosMocks
{
    public static ItemResponse<T> Item<T>(T resource, string etag)
    {
        var response = new Mock<ItemResponse<T>>();
        response.Setup(r => r.Resource).Returns(resource);
        response.Setup(r => r.ETag).Returns(etag);
        response.Setup(r => r.StatusCode).Returns(HttpStatusCode.OK);
        return response.Object;
    }

    /// <summary>An item as a feed (ReadMany, a query) returns it: the document with its <c>_etag</c> system property.</summary>
    public static JsonElement Stored<T>(T item, string? etag)
    {
        var document = JsonSerializer.SerializeToNode(item, CosmosClientFactory.SerializerOptions)!.AsObject();
        if (etag is not null)
        {
            document["_etag"] = etag;
        }

        return JsonSerializer.SerializeToElement(document);
    }

    public static CosmosException Error(HttpStatusCode status) => new($"status {(int)status}", status, 0, "activity", 1);

    public static FeedResponse<T> Page<T>(IReadOnlyList<T> items, string? continuationToken)
    {
        var response = new Mock<FeedResponse<T>>();
        response.Setup(r => r.GetEnumerator()).Returns(() => items.GetEnumerator());
        response.Setup(r => r.Count).Returns(items.Count);
        response.Setup(r => r.ContinuationToken).Returns(continuationToken!);
        response.Setup(r => r.Resource).Returns(items);
        return response.Object;
    }

    public static FeedIterator<T> Iterator<T>(FeedResponse<T> page)
    {
        var iterator = new Mock<FeedIterator<T>>();
        iterator.SetupSequence(i => i.HasMoreResults).Returns(true).Returns(false);
        iterator.Setup(i => i.ReadNextAsync(It.IsAny<CancellationToken>())).ReturnsAsync(page);
        return iterator.Object;
    }

    public static TransactionalBatchResponse BatchResult(HttpStatusCode status)
    {
        var response = new Mock<TransactionalBatchResponse>();
        response.Setup(r => r.StatusCode).Returns(status);
        response.Setup(r => r.IsSuccessStatusCode).Returns((int)status is >= 200 and < 300);
        response.Setup(r => r.ErrorMessage).Returns(status.ToString());
        return response.Object;
    }
}
