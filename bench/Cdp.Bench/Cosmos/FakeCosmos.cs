using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Azure.Cosmos;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Bench.Cosmos;

/// <summary>
/// An in-process stand-in for a Cosmos DB account (there is no emulator on the build machine): containers whose
/// items live in memory as JSON, with ETags, Conflict/NotFound/PreconditionFailed as Cosmos DB answers them, and a
/// count of every request the adapters send. Serialization uses the adapters' own options, as the SDK would.
/// </summary>
internal sealed class FakeCosmos
{
    private static readonly MethodInfo[] Handlers = typeof(FakeCosmos).GetMethods(BindingFlags.NonPublic | BindingFlags.Instance);

    // One lock for the whole account: conditional writes must check and store atomically; contention is not measured here.
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Container, string Partition, string Id), StoredItem> _items = [];
    private long _etag;

    public CosmosOperationCounts Counts { get; } = new();

    public static JsonSerializerOptions Json => CosmosClientFactory.SerializerOptions;

    /// <summary>
    /// A <see cref="Container"/> answering the calls the adapters make. Strict: a call this fake does not know fails
    /// loudly instead of going uncounted.
    /// </summary>
    public Container Container(string name)
    {
        var mock = new Mock<Container>(MockBehavior.Strict);
        mock.Setup(c => c.ReadItemAsync<It.IsAnyType>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(ReadAsync), i, name)));
        mock.Setup(c => c.CreateItemAsync(It.IsAny<It.IsAnyType>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(CreateAsync), i, name)));
        mock.Setup(c => c.UpsertItemAsync(It.IsAny<It.IsAnyType>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(UpsertAsync), i, name)));
        mock.Setup(c => c.ReplaceItemAsync(It.IsAny<It.IsAnyType>(), It.IsAny<string>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(ReplaceAsync), i, name)));
        mock.Setup(c => c.PatchItemAsync<It.IsAnyType>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<IReadOnlyList<PatchOperation>>(), It.IsAny<PatchItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(PatchAsync), i, name)));
        mock.Setup(c => c.DeleteItemAsync<It.IsAnyType>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(DeleteAsync), i, name)));
        mock.Setup(c => c.ReadManyItemsAsync<It.IsAnyType>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), It.IsAny<ReadManyRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(ReadManyAsync), i, name)));
        mock.Setup(c => c.GetItemQueryIterator<It.IsAnyType>(It.IsAny<QueryDefinition>(), It.IsAny<string>(), It.IsAny<QueryRequestOptions>()))
            .Returns(new InvocationFunc(i => Dispatch(nameof(Query), i, name)));
        // The stream variants (the adapters may move to them for pooled, source-generated serialization) answer with
        // a status instead of throwing, as the SDK's do; each is counted as its typed twin.
        mock.Setup(c => c.ReadItemStreamAsync(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((string id, PartitionKey pk, ItemRequestOptions o, CancellationToken ct) => AsStream(() => ReadAsync<JsonObject>(name, id, pk, o, ct)));
        mock.Setup(c => c.CreateItemStreamAsync(It.IsAny<Stream>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((Stream body, PartitionKey pk, ItemRequestOptions o, CancellationToken ct) => AsStream(() => CreateAsync(name, Parse(body), pk, o, ct)));
        mock.Setup(c => c.UpsertItemStreamAsync(It.IsAny<Stream>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((Stream body, PartitionKey pk, ItemRequestOptions o, CancellationToken ct) => AsStream(() => UpsertAsync(name, Parse(body), pk, o, ct)));
        mock.Setup(c => c.ReplaceItemStreamAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((Stream body, string id, PartitionKey pk, ItemRequestOptions o, CancellationToken ct) => AsStream(() => ReplaceAsync(name, Parse(body), id, pk, o, ct)));
        mock.Setup(c => c.PatchItemStreamAsync(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<IReadOnlyList<PatchOperation>>(), It.IsAny<PatchItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((string id, PartitionKey pk, IReadOnlyList<PatchOperation> ops, PatchItemRequestOptions o, CancellationToken ct) => AsStream(() => PatchAsync<JsonObject>(name, id, pk, ops, o, ct)));
        mock.Setup(c => c.DeleteItemStreamAsync(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((string id, PartitionKey pk, ItemRequestOptions o, CancellationToken ct) => AsStream(() => DeleteAsync<JsonObject>(name, id, pk, o, ct)));
        mock.Setup(c => c.DeleteAllItemsByPartitionKeyStreamAsync(It.IsAny<PartitionKey>(), It.IsAny<RequestOptions>(), It.IsAny<CancellationToken>()))
            .Returns((PartitionKey partition, RequestOptions _, CancellationToken _) => DeleteAllAsync(name, partition));
        mock.Setup(c => c.CreateTransactionalBatch(It.IsAny<PartitionKey>()))
            .Returns((PartitionKey partition) => new FakeTransactionalBatch(this, name, partition));
        return mock.Object;
    }

    private object Dispatch(string handler, IInvocation invocation, string container)
    {
        var method = Handlers.Single(m => m.Name == handler).MakeGenericMethod(invocation.Method.GetGenericArguments());
        try
        {
            return method.Invoke(this, [container, .. invocation.Arguments])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // The adapters catch CosmosException by status code, so it must reach them as itself.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static JsonObject Parse(Stream body) =>
        JsonNode.Parse(body) as JsonObject ?? throw new ArgumentException("Cosmos DB items are JSON objects", nameof(body));

    private static async Task<ResponseMessage> AsStream(Func<Task<ItemResponse<JsonObject>>> call)
    {
        try
        {
            var response = await call();
            var message = new ResponseMessage(response.StatusCode);
            if (response.Resource is not null)
            {
                message.Content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(response.Resource, Json));
            }

            message.Headers["etag"] = response.ETag;
            return message;
        }
        catch (CosmosException e)
        {
            return new ResponseMessage(e.StatusCode);
        }
    }

    private Task<ItemResponse<T>> ReadAsync<T>(string container, string id, PartitionKey partition, ItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.PointRead);
        lock (_lock)
        {
            var stored = Find(container, partition, id) ?? throw Error(HttpStatusCode.NotFound);
            return Task.FromResult<ItemResponse<T>>(new FakeItemResponse<T>(HttpStatusCode.OK, stored.Document.Deserialize<T>(Json)!, stored.ETag));
        }
    }

    private Task<ItemResponse<T>> CreateAsync<T>(string container, T item, PartitionKey? partition, ItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.Create);
        var document = ToDocument(item);
        lock (_lock)
        {
            var key = Key(container, partition, document);
            if (_items.ContainsKey(key))
            {
                throw Error(HttpStatusCode.Conflict);
            }

            return Task.FromResult<ItemResponse<T>>(Written(key, document, item, HttpStatusCode.Created));
        }
    }

    private Task<ItemResponse<T>> UpsertAsync<T>(string container, T item, PartitionKey? partition, ItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.Upsert);
        var document = ToDocument(item);
        lock (_lock)
        {
            var key = Key(container, partition, document);
            CheckETag(_items.GetValueOrDefault(key), options?.IfMatchEtag, mustExist: false);
            return Task.FromResult<ItemResponse<T>>(Written(key, document, item, HttpStatusCode.OK));
        }
    }

    private Task<ItemResponse<T>> ReplaceAsync<T>(string container, T item, string id, PartitionKey? partition, ItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.Replace);
        var document = ToDocument(item);
        lock (_lock)
        {
            var key = (container, PartitionOf(partition, document), id);
            CheckETag(_items.GetValueOrDefault(key), options?.IfMatchEtag, mustExist: true);
            return Task.FromResult<ItemResponse<T>>(Written(key, document, item, HttpStatusCode.OK));
        }
    }

    private Task<ItemResponse<T>> PatchAsync<T>(
        string container, string id, PartitionKey partition, IReadOnlyList<PatchOperation> operations, PatchItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.Patch);
        lock (_lock)
        {
            var key = (container, partition.ToString(), id);
            var stored = _items.GetValueOrDefault(key);
            CheckETag(stored, options?.IfMatchEtag, mustExist: true);
            var document = (JsonObject)stored!.Document.DeepClone();
            JsonPatch.Apply(document, operations);
            var response = Written(key, document, default(T)!, HttpStatusCode.OK);
            return Task.FromResult<ItemResponse<T>>(new FakeItemResponse<T>(HttpStatusCode.OK, document.Deserialize<T>(Json)!, response.ETag));
        }
    }

    private Task<ItemResponse<T>> DeleteAsync<T>(string container, string id, PartitionKey partition, ItemRequestOptions? options, CancellationToken cancellationToken)
    {
        Counts.Add(CosmosOperation.Delete);
        lock (_lock)
        {
            var key = (container, partition.ToString(), id);
            CheckETag(_items.GetValueOrDefault(key), options?.IfMatchEtag, mustExist: true);
            _items.Remove(key);
            return Task.FromResult<ItemResponse<T>>(new FakeItemResponse<T>(HttpStatusCode.NoContent, default!, string.Empty));
        }
    }

    private Task<FeedResponse<T>> ReadManyAsync<T>(
        string container, IReadOnlyList<(string Id, PartitionKey Partition)> items, ReadManyRequestOptions? options, CancellationToken cancellationToken)
    {
        // One call, however many items: the SDK groups them into one query per physical partition, in parallel.
        Counts.Add(CosmosOperation.ReadMany, items.Count);
        lock (_lock)
        {
            // Each item as Cosmos DB returns it in a feed: with its system properties, of which the adapters read _etag.
            var found = items.Select(i => Find(container, i.Partition, i.Id)).OfType<StoredItem>().Select(s => WithETag(s).Deserialize<T>(Json)!).ToList();
            return Task.FromResult<FeedResponse<T>>(new FakeFeedResponse<T>(found, null));
        }
    }

    /// <summary>
    /// The queries the adapters on the ingest and timeline paths run: the timeline's "which of these ids exist" (after
    /// a Conflict on a redelivered batch), its newest-first paging (events only: items with a <c>kind</c> are not
    /// events) and its list of raw archive references. Each page read is counted as one request.
    /// </summary>
    private FeedIterator<T> Query<T>(string container, QueryDefinition query, string? continuationToken, QueryRequestOptions? options)
    {
        if (options?.PartitionKey is not { } partition)
        {
            throw new NotSupportedException($"the fake Cosmos DB runs single-partition queries only, not '{query.QueryText}'");
        }

        if (query.QueryText.Contains("ARRAY_CONTAINS(@ids, c.id)", StringComparison.Ordinal))
        {
            var ids = (IEnumerable<string>)query.GetQueryParameters().Single(p => p.Name == "@ids").Value;
            return new FakeFeedIterator<T>(() =>
            {
                Counts.Add(CosmosOperation.QueryPage);
                lock (_lock)
                {
                    return (ids.Where(id => Find(container, partition, id) is not null).Select(id => (T)(object)id).ToList(), null);
                }
            });
        }

        if (query.QueryText == "SELECT VALUE c.rawBlob FROM c WHERE c.kind = @kind")
        {
            var kind = (string)query.GetQueryParameters().Single(p => p.Name == "@kind").Value;
            return new FakeFeedIterator<T>(() =>
            {
                Counts.Add(CosmosOperation.QueryPage);
                lock (_lock)
                {
                    return (InPartition(container, partition).Where(d => d["kind"]?.GetValue<string>() == kind)
                        .Select(d => d["rawBlob"]!.Deserialize<T>(Json)!).ToList(), null);
                }
            });
        }

        if (query.QueryText == "SELECT * FROM c WHERE NOT IS_DEFINED(c.kind) ORDER BY c.timestamp DESC, c.id DESC")
        {
            // The continuation token is the offset of the next item; anything else is a token Cosmos DB did not issue.
            var offset = 0;
            if (continuationToken is not null && (!int.TryParse(continuationToken, System.Globalization.CultureInfo.InvariantCulture, out offset) || offset < 0))
            {
                throw Error(HttpStatusCode.BadRequest);
            }

            var pageSize = options.MaxItemCount is { } size and > 0 ? size : 100;
            return new FakeFeedIterator<T>(() =>
            {
                Counts.Add(CosmosOperation.QueryPage);
                lock (_lock)
                {
                    var all = InPartition(container, partition).Where(d => d["kind"] is null)
                        .OrderByDescending(d => d["timestamp"]?.GetValue<string>(), StringComparer.Ordinal)
                        .ThenByDescending(d => d["id"]!.GetValue<string>(), StringComparer.Ordinal)
                        .ToList();
                    var page = all.Skip(offset).Take(pageSize).Select(d => d.Deserialize<T>(Json)!).ToList();
                    var next = offset + page.Count;
                    return (page, next < all.Count ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
                }
            });
        }

        throw new NotSupportedException($"the fake Cosmos DB does not run '{query.QueryText}'; teach bench/Cdp.Bench/Cosmos/FakeCosmos.cs");
    }

    /// <summary>Drops a partition's items (erasure of a timeline); counted as one delete.</summary>
    private Task<ResponseMessage> DeleteAllAsync(string container, PartitionKey partition)
    {
        Counts.Add(CosmosOperation.Delete);
        lock (_lock)
        {
            var key = partition.ToString();
            foreach (var item in _items.Keys.Where(k => k.Container == container && k.Partition == key).ToList())
            {
                _items.Remove(item);
            }
        }

        return Task.FromResult(new ResponseMessage(HttpStatusCode.OK));
    }

    /// <summary>Runs a transactional batch: all of its operations or none, as Cosmos DB does.</summary>
    internal TransactionalBatchResponse Execute(string container, PartitionKey partition, IReadOnlyList<BatchStep> steps)
    {
        Counts.Add(CosmosOperation.Batch, steps.Count);
        lock (_lock)
        {
            var staged = new Dictionary<(string, string, string), StoredItem?>();
            var results = new List<TransactionalBatchOperationResult>(steps.Count);
            foreach (var step in steps)
            {
                var key = (container, partition.ToString(), step.Id);
                var current = staged.TryGetValue(key, out var s) ? s : _items.GetValueOrDefault(key);
                var status = step.Check(current);
                if (status is not null)
                {
                    // Cosmos DB answers with the failing operation's status and writes nothing.
                    return new FakeBatchResponse(status.Value, []);
                }

                var next = step.Apply(current, ++_etag);
                staged[key] = next;
                results.Add(new FakeBatchOperationResult(HttpStatusCode.OK, next?.ETag ?? string.Empty));
            }

            foreach (var (key, item) in staged)
            {
                if (item is null)
                {
                    _items.Remove(key);
                }
                else
                {
                    _items[key] = item;
                }
            }

            return new FakeBatchResponse(HttpStatusCode.OK, results);
        }
    }

    internal static JsonObject ToDocument<T>(T item) =>
        JsonSerializer.SerializeToNode(item, Json) as JsonObject ?? throw new ArgumentException("Cosmos DB items are JSON objects", nameof(item));

    internal static CosmosException Error(HttpStatusCode status) => new($"status {(int)status}", status, 0, "fake", 1);

    private static void CheckETag(StoredItem? current, string? ifMatch, bool mustExist)
    {
        if (current is null && mustExist)
        {
            throw Error(HttpStatusCode.NotFound);
        }

        if (ifMatch is not null && (current is null || current.ETag != ifMatch))
        {
            throw Error(HttpStatusCode.PreconditionFailed);
        }
    }

    private static string PartitionOf(PartitionKey? partition, JsonObject document) =>
        partition?.ToString() ?? throw new NotSupportedException("the adapters always name the partition key; the fake does not derive it");

    private static (string, string, string) Key(string container, PartitionKey? partition, JsonObject document) =>
        (container, PartitionOf(partition, document), IdOf(document));

    internal static string IdOf(JsonObject document) =>
        document["id"]?.GetValue<string>() ?? throw Error(HttpStatusCode.BadRequest);

    private IEnumerable<JsonObject> InPartition(string container, PartitionKey partition)
    {
        var key = partition.ToString();
        return _items.Where(i => i.Key.Container == container && i.Key.Partition == key).Select(i => i.Value.Document);
    }

    private static JsonObject WithETag(StoredItem stored)
    {
        var document = (JsonObject)stored.Document.DeepClone();
        document["_etag"] = stored.ETag;
        return document;
    }

    private StoredItem? Find(string container, PartitionKey partition, string id) => _items.GetValueOrDefault((container, partition.ToString(), id));

    private FakeItemResponse<T> Written<T>((string, string, string) key, JsonObject document, T item, HttpStatusCode status)
    {
        var stored = new StoredItem(document, $"\"{++_etag:x8}\"");
        _items[key] = stored;
        return new FakeItemResponse<T>(status, item, stored.ETag);
    }
}

/// <summary>An item as Cosmos DB keeps it: its JSON and the ETag of its last write.</summary>
internal sealed record StoredItem(JsonObject Document, string ETag);
