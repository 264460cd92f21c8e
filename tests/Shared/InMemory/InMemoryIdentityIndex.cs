using System.Collections.Concurrent;
using Cdp.Core;
using Cdp.Core.Identity;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IIdentityIndex"/> in memory; links are immutable records, so they are stored as they are.</summary>
internal sealed class InMemoryIdentityIndex : IIdentityIndex
{
    private readonly ConcurrentDictionary<string, Entry> _links = new(StringComparer.Ordinal);
    private readonly ETagSequence _etags = new();

    public int Count => _links.Count;

    public IReadOnlyList<IdentityLink> All => _links.Values.Select(e => e.Link).ToList();

    public Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_links.TryGetValue(identityId, out var entry)
            ? new Versioned<IdentityLink>(entry.Link, entry.ETag)
            : (Versioned<IdentityLink>?)null);
    }

    public Task<IReadOnlyDictionary<string, Versioned<IdentityLink>>> GetManyAsync(
        IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, Versioned<IdentityLink>>(StringComparer.Ordinal);
        foreach (var identityId in identityIds)
        {
            if (_links.TryGetValue(identityId, out var entry))
            {
                found[identityId] = new Versioned<IdentityLink>(entry.Link, entry.ETag);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Versioned<IdentityLink>>>(found);
    }

    public Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_links.TryGetValue(identityId, out var entry) || (etag is not null && entry.ETag != etag))
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(((ICollection<KeyValuePair<string, Entry>>)_links).Remove(new(identityId, entry)));
    }

    public Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_links.TryAdd(link.Id, new Entry(link, _etags.Next())));
    }

    public Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_links.TryGetValue(link.Id, out var current))
        {
            throw new ConcurrencyConflictException($"identity {link.Id} does not exist");
        }

        var replacement = new Entry(link, _etags.Next());
        if (!string.Equals(current.ETag, etag, StringComparison.Ordinal) || !_links.TryUpdate(link.Id, replacement, current))
        {
            throw new ConcurrencyConflictException($"identity {link.Id} changed since it was read");
        }

        return Task.FromResult(replacement.ETag);
    }

    /// <summary>Removes a link (tests of erasure and of repair after a lost link).</summary>
    public bool Remove(string identityId) => _links.TryRemove(identityId, out _);

    // A class, not a record: TryUpdate must compare by reference so that an equal-looking newer entry still counts as a change.
    private sealed class Entry(IdentityLink link, string etag)
    {
        public IdentityLink Link { get; } = link;
        public string ETag { get; } = etag;
    }
}
