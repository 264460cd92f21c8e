using System.Net;
using Microsoft.Azure.Cosmos;

namespace Cdp.Bench.Cosmos;

/// <summary>The SDK's response types have protected constructors for exactly this: answering without a network.</summary>
internal sealed class FakeItemResponse<T>(HttpStatusCode status, T resource, string etag) : ItemResponse<T>
{
    public override T Resource => resource;

    public override string ETag => etag;

    public override HttpStatusCode StatusCode => status;

    public override double RequestCharge => 1;
}

internal sealed class FakeFeedResponse<T>(IReadOnlyList<T> items, string? continuationToken) : FeedResponse<T>
{
    public override string ContinuationToken => continuationToken!;

    public override int Count => items.Count;

    public override string IndexMetrics => string.Empty;

    public override Headers Headers { get; } = new();

    public override IEnumerable<T> Resource => items;

    public override HttpStatusCode StatusCode => HttpStatusCode.OK;

    public override CosmosDiagnostics Diagnostics => null!;

    public override IEnumerator<T> GetEnumerator() => items.GetEnumerator();
}

/// <summary>One page of a query, read (and counted) when the adapter asks for it; the page carries the next token.</summary>
internal sealed class FakeFeedIterator<T>(Func<(IReadOnlyList<T> Items, string? ContinuationToken)> readPage) : FeedIterator<T>
{
    private bool _read;

    public override bool HasMoreResults => !_read;

    public override Task<FeedResponse<T>> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        // The adapters open a new iterator with the token for each page, so one iterator reads one page.
        _read = true;
        var (items, token) = readPage();
        return Task.FromResult<FeedResponse<T>>(new FakeFeedResponse<T>(items, token));
    }
}

internal sealed class FakeBatchResponse(HttpStatusCode status, IReadOnlyList<TransactionalBatchOperationResult> results) : TransactionalBatchResponse
{
    public override HttpStatusCode StatusCode => status;

    public override bool IsSuccessStatusCode => (int)status is >= 200 and < 300;

    public override string ErrorMessage => IsSuccessStatusCode ? null! : status.ToString();

    public override int Count => results.Count;

    public override TransactionalBatchOperationResult this[int index] => results[index];
}

internal sealed class FakeBatchOperationResult(HttpStatusCode status, string etag) : TransactionalBatchOperationResult
{
    public override HttpStatusCode StatusCode => status;

    public override bool IsSuccessStatusCode => (int)status is >= 200 and < 300;

    public override string ETag => etag;
}
