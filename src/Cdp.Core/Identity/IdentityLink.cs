namespace Cdp.Core.Identity;

/// <summary>
/// The identity document (container <c>identities</c>, partition key <c>/id</c>): id is
/// <c>{type}:{keyed hash}</c>, so the raw value is never stored here.
/// </summary>
public sealed record IdentityLink(string Id, string ProfileId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>Port: identity id → profile id, by point reads or, for a batch, many at once.</summary>
public interface IIdentityIndex
{
    Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>
    /// The links of those of <paramref name="identityIds"/> that have one, by identity id (ids without a link are
    /// absent; an id asked twice is read once). Default: one point read per id; stores that can read many items in
    /// one request do so, which is what lets a batch read its links in one request instead of one per identifier.
    /// </summary>
    async Task<IReadOnlyDictionary<string, Versioned<IdentityLink>>> GetManyAsync(
        IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityIds);
        var found = new Dictionary<string, Versioned<IdentityLink>>(StringComparer.Ordinal);
        foreach (var identityId in identityIds.Distinct(StringComparer.Ordinal))
        {
            if (await GetAsync(identityId, cancellationToken) is { } link)
            {
                found[identityId] = link;
            }
        }

        return found;
    }

    /// <summary>Creates the link; false if one with that id exists already (someone else won the race).</summary>
    Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken);

    /// <summary>Replaces the link if it still has <paramref name="etag"/>; else <see cref="ConcurrencyConflictException"/>.</summary>
    Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the link if it exists and, when <paramref name="etag"/> is given, still has it; true if a link was deleted.
    /// </summary>
    Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken);
}
