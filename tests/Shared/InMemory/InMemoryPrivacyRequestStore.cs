using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IPrivacyRequestStore"/> in memory with ETags; requests are kept as JSON, as a database would keep them.</summary>
internal sealed class InMemoryPrivacyRequestStore : IPrivacyRequestStore
{
    private readonly ConcurrentDictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly ETagSequence _etags = new();

    public int Count => _documents.Count;

    /// <summary>Every stored document's bytes (tests scan them for personal data).</summary>
    public IReadOnlyList<byte[]> StoredBytes => _documents.Values.Select(d => d.Json).ToList();

    public Task<Versioned<PrivacyRequest>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_documents.TryGetValue(id, out var stored)
            ? new Versioned<PrivacyRequest>(Deserialize(stored.Json), stored.ETag)
            : (Versioned<PrivacyRequest>?)null);
    }

    public Task<string> CreateAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = new StoredDocument(Serialize(request), _etags.Next());
        if (!_documents.TryAdd(request.Id, stored))
        {
            throw new ConcurrencyConflictException($"privacy request {request.Id} already exists");
        }

        return Task.FromResult(stored.ETag);
    }

    public Task<string> ReplaceAsync(PrivacyRequest request, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_documents.TryGetValue(request.Id, out var current))
        {
            throw new ConcurrencyConflictException($"privacy request {request.Id} does not exist");
        }

        var stored = new StoredDocument(Serialize(request), _etags.Next());
        if (!string.Equals(current.ETag, etag, StringComparison.Ordinal) || !_documents.TryUpdate(request.Id, stored, current))
        {
            throw new ConcurrencyConflictException($"privacy request {request.Id} changed since it was read");
        }

        return Task.FromResult(stored.ETag);
    }

    public Task<PrivacyRequestPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        cancellationToken.ThrowIfCancellationRequested();
        var skip = 0;
        if (continuationToken is not null
            && (!int.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            throw new ArgumentException("continuation token was not issued by this store", nameof(continuationToken));
        }

        var ordered = _documents.Values.Select(d => Deserialize(d.Json))
            .OrderByDescending(r => r.ReceivedTime).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var page = ordered.Skip(skip).Take(pageSize).ToList();
        var next = skip + page.Count < ordered.Count ? (skip + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new PrivacyRequestPage(page, next));
    }

    public Task<PrivacyRequest?> FindUnfinishedByHashAsync(string requestHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestHash);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_documents.Values.Select(d => Deserialize(d.Json))
            .Where(r => r.RequestHash == requestHash && !r.IsFinished)
            .OrderBy(r => r.ReceivedTime)
            .FirstOrDefault());
    }

    private static byte[] Serialize(PrivacyRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request, PrivacyJsonContext.Default.PrivacyRequest);

    private static PrivacyRequest Deserialize(byte[] json) =>
        JsonSerializer.Deserialize(json, PrivacyJsonContext.Default.PrivacyRequest)
        ?? throw new InvalidOperationException("a stored privacy request deserialized to null");
}
