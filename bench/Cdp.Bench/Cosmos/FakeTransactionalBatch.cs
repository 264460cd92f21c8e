using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace Cdp.Bench.Cosmos;

/// <summary>One operation of a transactional batch: whether it may run on the item as it stands, and what it leaves.</summary>
internal sealed record BatchStep(string Id, Func<StoredItem?, HttpStatusCode?> Check, Func<StoredItem?, long, StoredItem?> Apply);

/// <summary>Collects a batch's operations; <see cref="FakeCosmos.Execute"/> runs them all or none and counts one request.</summary>
internal sealed class FakeTransactionalBatch(FakeCosmos cosmos, string container, PartitionKey partition) : TransactionalBatch
{
    private readonly List<BatchStep> _steps = [];

    public override TransactionalBatch CreateItem<T>(T item, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(FakeCosmos.ToDocument(item), requestOptions, (current, _) => current is null ? null : HttpStatusCode.Conflict);

    public override TransactionalBatch UpsertItem<T>(T item, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(FakeCosmos.ToDocument(item), requestOptions, (_, _) => null);

    public override TransactionalBatch ReplaceItem<T>(string id, T item, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(FakeCosmos.ToDocument(item), requestOptions, (current, _) => current is null ? HttpStatusCode.NotFound : null, id);

    public override TransactionalBatch DeleteItem(string id, TransactionalBatchItemRequestOptions? requestOptions = null)
    {
        _steps.Add(new BatchStep(id, current => Precondition(current, requestOptions, mustExist: true), (_, _) => null));
        return this;
    }

    public override TransactionalBatch ReadItem(string id, TransactionalBatchItemRequestOptions? requestOptions = null)
    {
        _steps.Add(new BatchStep(id, current => Precondition(current, requestOptions, mustExist: true), (current, _) => current));
        return this;
    }

    public override TransactionalBatch PatchItem(string id, IReadOnlyList<PatchOperation> patchOperations, TransactionalBatchPatchItemRequestOptions? requestOptions = null)
    {
        _steps.Add(new BatchStep(
            id,
            current => Precondition(current, requestOptions, mustExist: true),
            (current, etag) =>
            {
                var document = (JsonObject)current!.Document.DeepClone();
                JsonPatch.Apply(document, patchOperations);
                return new StoredItem(document, $"\"{etag:x8}\"");
            }));
        return this;
    }

    public override TransactionalBatch CreateItemStream(Stream streamPayload, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(Parse(streamPayload), requestOptions, (current, _) => current is null ? null : HttpStatusCode.Conflict);

    public override TransactionalBatch UpsertItemStream(Stream streamPayload, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(Parse(streamPayload), requestOptions, (_, _) => null);

    public override TransactionalBatch ReplaceItemStream(string id, Stream streamPayload, TransactionalBatchItemRequestOptions? requestOptions = null) =>
        Add(Parse(streamPayload), requestOptions, (current, _) => current is null ? HttpStatusCode.NotFound : null, id);

    public override Task<TransactionalBatchResponse> ExecuteAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(cosmos.Execute(container, partition, _steps));

    public override Task<TransactionalBatchResponse> ExecuteAsync(TransactionalBatchRequestOptions requestOptions, CancellationToken cancellationToken = default) =>
        ExecuteAsync(cancellationToken);

    private static JsonObject Parse(Stream payload) =>
        JsonNode.Parse(payload) as JsonObject ?? throw FakeCosmos.Error(HttpStatusCode.BadRequest);

    private static HttpStatusCode? Precondition(StoredItem? current, TransactionalBatchItemRequestOptions? options, bool mustExist) =>
        current is null && mustExist ? HttpStatusCode.NotFound
        : options?.IfMatchEtag is { } etag && current?.ETag != etag ? HttpStatusCode.PreconditionFailed
        : null;

    private FakeTransactionalBatch Add(
        JsonObject document, TransactionalBatchItemRequestOptions? options, Func<StoredItem?, long, HttpStatusCode?> check, string? id = null)
    {
        _steps.Add(new BatchStep(
            id ?? FakeCosmos.IdOf(document),
            current => check(current, 0) ?? Precondition(current, options, mustExist: false),
            (_, etag) => new StoredItem(document, $"\"{etag:x8}\"")));
        return this;
    }
}

/// <summary>Cosmos DB partial document update (add, set, replace, remove, increment) on a stored JSON item.</summary>
internal static class JsonPatch
{
    public static void Apply(JsonObject document, IReadOnlyList<PatchOperation> operations)
    {
        foreach (var operation in operations)
        {
            var segments = operation.Path.Trim('/').Split('/');
            JsonNode parent = document;
            foreach (var segment in segments[..^1])
            {
                parent = (parent is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : parent[segment])
                    ?? throw FakeCosmos.Error(HttpStatusCode.BadRequest);
            }

            var last = segments[^1];
            var value = ValueOf(operation);
            switch (operation.OperationType)
            {
                case PatchOperationType.Add when parent is JsonArray array:
                    if (last == "-")
                    {
                        array.Add(value);
                    }
                    else
                    {
                        array.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                    }

                    break;
                case PatchOperationType.Add or PatchOperationType.Set:
                    parent[last] = value;
                    break;
                case PatchOperationType.Replace:
                    _ = parent[last] ?? throw FakeCosmos.Error(HttpStatusCode.BadRequest);
                    parent[last] = value;
                    break;
                case PatchOperationType.Remove when parent is JsonArray array:
                    array.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case PatchOperationType.Remove:
                    ((JsonObject)parent).Remove(last);
                    break;
                case PatchOperationType.Increment:
                    parent[last] = (parent[last]?.GetValue<double>() ?? 0) + value!.GetValue<double>();
                    break;
                default:
                    throw new NotSupportedException($"the fake Cosmos DB does not apply patch operation {operation.OperationType}");
            }
        }
    }

    /// <summary>The value lives on the generic PatchOperation&lt;T&gt; the SDK's factory methods return.</summary>
    private static JsonNode? ValueOf(PatchOperation operation)
    {
        var property = operation.GetType().GetProperty("Value");
        var value = property?.GetValue(operation);
        return value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), FakeCosmos.Json);
    }
}
