using Cdp.Core.Identity;
using Cdp.Core.Profiles;

namespace Cdp.Core.Tests.Builders;

/// <summary>Counts the reads processing sends to the identity index: point reads and bulk reads apart.</summary>
internal sealed class CountingIdentityIndex(IIdentityIndex inner) : IIdentityIndex
{
    public int PointReads { get; private set; }

    public int BulkReads { get; private set; }

    public void Reset() => (PointReads, BulkReads) = (0, 0);

    public Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        PointReads++;
        return inner.GetAsync(identityId, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, Versioned<IdentityLink>>> GetManyAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        BulkReads++;
        return inner.GetManyAsync(identityIds, cancellationToken);
    }

    public Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken) => inner.TryCreateAsync(link, cancellationToken);

    public Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken) => inner.ReplaceAsync(link, etag, cancellationToken);

    public Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken) => inner.DeleteAsync(identityId, etag, cancellationToken);
}

/// <summary>Counts the reads processing sends to the profile store: point reads and bulk reads apart.</summary>
internal sealed class CountingProfileStore(IProfileStore inner) : IProfileStore
{
    public int PointReads { get; private set; }

    public int BulkReads { get; private set; }

    public void Reset() => (PointReads, BulkReads) = (0, 0);

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        PointReads++;
        return inner.GetAsync(id, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        BulkReads++;
        return inner.GetManyAsync(ids, cancellationToken);
    }

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => inner.CreateAsync(profile, cancellationToken);

    public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken) => inner.ReplaceAsync(profile, etag, cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);
}

/// <summary>
/// Ports that can only read one item at a time: bulk reads fall to the interfaces' default (a point read per id),
/// as with a store that has no bulk read of its own.
/// </summary>
internal sealed class PointReadIdentityIndex(IIdentityIndex inner) : IIdentityIndex
{
    public Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken) => inner.GetAsync(identityId, cancellationToken);

    public Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken) => inner.TryCreateAsync(link, cancellationToken);

    public Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken) => inner.ReplaceAsync(link, etag, cancellationToken);

    public Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken) => inner.DeleteAsync(identityId, etag, cancellationToken);
}

/// <inheritdoc cref="PointReadIdentityIndex"/>
internal sealed class PointReadProfileStore(IProfileStore inner) : IProfileStore
{
    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => inner.CreateAsync(profile, cancellationToken);

    public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken) => inner.ReplaceAsync(profile, etag, cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);
}
