using System.Collections.Concurrent;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Profiles;

namespace Cdp.Tests.InMemory;

/// <summary>
/// <see cref="IProfileStore"/> in memory with ETags. Profiles are kept as JSON, so a caller that mutates a
/// profile after writing it (or after reading it) cannot change what is stored, just as with a real database.
/// </summary>
internal sealed class InMemoryProfileStore : IProfileStore
{
    private readonly ConcurrentDictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly ETagSequence _etags = new();

    public int Count => _documents.Count;

    public IReadOnlyCollection<string> Ids => _documents.Keys.ToList();

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_documents.TryGetValue(id, out var stored)
            ? new Versioned<Profile>(Deserialize(stored.Json), stored.ETag)
            : (Versioned<Profile>?)null);
    }

    public Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, Versioned<Profile>>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            // Each id its own copy, as from a database: callers mutate what they read.
            if (!found.ContainsKey(id) && _documents.TryGetValue(id, out var stored))
            {
                found[id] = new Versioned<Profile>(Deserialize(stored.Json), stored.ETag);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Versioned<Profile>>>(found);
    }

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = new StoredDocument(Serialize(profile), _etags.Next());
        if (!_documents.TryAdd(profile.Id, stored))
        {
            throw new ConcurrencyConflictException($"profile {profile.Id} already exists");
        }

        return Task.FromResult(stored.ETag);
    }

    public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_documents.TryGetValue(profile.Id, out var current))
        {
            // A profile deleted since it was read is a lost race too: the writer re-reads and decides.
            throw new ConcurrencyConflictException($"profile {profile.Id} does not exist");
        }

        var stored = new StoredDocument(Serialize(profile), _etags.Next());
        // TryUpdate compares against the entry read above, so a write in between makes it fail.
        if (!string.Equals(current.ETag, etag, StringComparison.Ordinal) || !_documents.TryUpdate(profile.Id, stored, current))
        {
            throw new ConcurrencyConflictException($"profile {profile.Id} changed since it was read");
        }

        return Task.FromResult(stored.ETag);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_documents.TryRemove(id, out _));
    }

    /// <summary>Every stored profile's bytes (tests scan them for personal data).</summary>
    public IReadOnlyList<byte[]> StoredBytes => _documents.Values.Select(d => d.Json).ToList();

    /// <summary>Removes a profile (tests of erasure and of repair after a lost profile).</summary>
    public bool Remove(string id) => _documents.TryRemove(id, out _);

    private static byte[] Serialize(Profile profile) =>
        JsonSerializer.SerializeToUtf8Bytes(profile, CdpJsonContext.Default.Profile);

    private static Profile Deserialize(byte[] json) =>
        JsonSerializer.Deserialize(json, CdpJsonContext.Default.Profile)
        ?? throw new InvalidOperationException("a stored profile deserialized to null");
}
