using System.Collections.Concurrent;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Segments;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="ISegmentStore"/> in memory with ETags, kept as JSON like <see cref="InMemoryProfileStore"/>.</summary>
internal sealed class InMemorySegmentStore : ISegmentStore
{
    private readonly ConcurrentDictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly ETagSequence _etags = new();

    public Task<Versioned<SegmentDocument>?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.TryGetValue(key, out var stored)
            ? new Versioned<SegmentDocument>(Deserialize(stored.Json), stored.ETag)
            : (Versioned<SegmentDocument>?)null);

    public Task<IReadOnlyList<SegmentDocument>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SegmentDocument>>([.. _documents.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => Deserialize(d.Value.Json))]);

    public Task<string> CreateAsync(SegmentDocument segment, CancellationToken cancellationToken)
    {
        var stored = new StoredDocument(JsonSerializer.SerializeToUtf8Bytes(segment, CdpJsonContext.Default.SegmentDocument), _etags.Next());
        return _documents.TryAdd(segment.Key, stored)
            ? Task.FromResult(stored.ETag)
            : throw new ConcurrencyConflictException($"segment {segment.Key} already exists");
    }

    public Task<string> ReplaceAsync(SegmentDocument segment, string etag, CancellationToken cancellationToken)
    {
        var stored = new StoredDocument(JsonSerializer.SerializeToUtf8Bytes(segment, CdpJsonContext.Default.SegmentDocument), _etags.Next());
        return _documents.TryGetValue(segment.Key, out var current) && current.ETag == etag && _documents.TryUpdate(segment.Key, stored, current)
            ? Task.FromResult(stored.ETag)
            : throw new ConcurrencyConflictException($"segment {segment.Key} changed since it was read");
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_documents.TryRemove(key, out _));

    private static SegmentDocument Deserialize(byte[] json) => JsonSerializer.Deserialize(json, CdpJsonContext.Default.SegmentDocument)!;
}
