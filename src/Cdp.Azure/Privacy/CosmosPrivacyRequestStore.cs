using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

/// <summary>
/// Privacy requests in the <c>privacy</c> container (partition key <c>/id</c>, id = subject_request_id). A document is the
/// request exactly as Core's <see cref="PrivacyJsonContext"/> writes it, plus <c>kind: "request"</c>; writes are
/// conditional on the ETag read. Listing and the look-up by hash are cross-partition queries: requests are few.
/// </summary>
internal sealed class CosmosPrivacyRequestStore(Container container) : IPrivacyRequestStore
{
    /// <summary>Received times are stored in UTC, so the text order is the time order.</summary>
    internal const string NewestFirstQuery = "SELECT * FROM c WHERE c.kind = 'request' ORDER BY c.receivedTime DESC";

    internal const string UnfinishedByHashQuery =
        "SELECT * FROM c WHERE c.kind = 'request' AND c.requestHash = @hash AND (c.status = 'pending' OR c.status = 'in_progress')";

    private const string KindProperty = "kind";

    private static readonly ItemRequestOptions CreateOptions = new() { EnableContentResponseOnWrite = false };

    public async Task<Versioned<PrivacyRequest>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            var response = await container.ReadItemAsync<JsonObject>(id, new PartitionKey(id), cancellationToken: cancellationToken);
            return IsRequest(response.Resource) ? new Versioned<PrivacyRequest>(FromDocument(response.Resource), response.ETag) : null;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string> CreateAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var response = await container.CreateItemAsync(ToDocument(request), new PartitionKey(request.Id), CreateOptions, cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConcurrencyConflictException($"privacy request {request.Id} already exists");
        }
    }

    public async Task<string> ReplaceAsync(PrivacyRequest request, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await container.ReplaceItemAsync(
                ToDocument(request),
                request.Id,
                new PartitionKey(request.Id),
                new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false },
                cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new ConcurrencyConflictException($"privacy request {request.Id} changed since ETag {etag} was read");
        }
    }

    public async Task<PrivacyRequestPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var requests = new List<PrivacyRequest>(Math.Min(pageSize, 100));
        var token = continuationToken;
        try
        {
            do
            {
                // A cross-partition page may come back short of MaxItemCount; keep reading so callers get full pages.
                var options = new QueryRequestOptions { MaxItemCount = pageSize - requests.Count };
                using var iterator = container.GetItemQueryIterator<JsonObject>(new QueryDefinition(NewestFirstQuery), token, options);
                if (!iterator.HasMoreResults)
                {
                    token = null;
                    break;
                }

                var response = await iterator.ReadNextAsync(cancellationToken);
                requests.AddRange(response.Select(FromDocument));
                token = response.ContinuationToken;
            }
            while (token is not null && requests.Count < pageSize);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.BadRequest && continuationToken is not null && requests.Count == 0)
        {
            // Tokens travel through clients; one Cosmos DB cannot parse is the caller's mistake, not a fault.
            throw new ArgumentException("The continuation token was not issued by this store.", nameof(continuationToken), e);
        }

        return new PrivacyRequestPage(requests, token);
    }

    public async Task<PrivacyRequest?> FindUnfinishedByHashAsync(string requestHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        var query = new QueryDefinition(UnfinishedByHashQuery).WithParameter("@hash", requestHash);
        var found = await container.GetItemQueryIterator<JsonObject>(query).ReadAllAsync(cancellationToken);
        return found.Select(FromDocument).OrderBy(r => r.ReceivedTime).ThenBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    internal static JsonObject ToDocument(PrivacyRequest request)
    {
        var stored = request.ReceivedTime.Offset == TimeSpan.Zero ? request : request with { ReceivedTime = request.ReceivedTime.ToUniversalTime() };
        var document = JsonSerializer.SerializeToNode(stored, PrivacyJsonContext.Default.PrivacyRequest)!.AsObject();
        document[KindProperty] = PrivacyDocumentKinds.Request;
        return document;
    }

    internal static PrivacyRequest FromDocument(JsonObject document) =>
        document.Deserialize(PrivacyJsonContext.Default.PrivacyRequest)
        ?? throw new InvalidOperationException("a stored privacy request deserialized to null");

    private static bool IsRequest(JsonObject document) =>
        document[KindProperty] is JsonValue kind && kind.TryGetValue<string>(out var value) && value == PrivacyDocumentKinds.Request;
}
