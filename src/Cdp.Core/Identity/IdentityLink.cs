namespace Cdp.Core.Identity;

/// <summary>
/// The identity document (container <c>identities</c>, partition key <c>/id</c>): id is
/// <c>{type}:{keyed hash}</c>, so the raw value is never stored here.
/// </summary>
public sealed record IdentityLink(string Id, string ProfileId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>Port: identity id → profile id, by point reads.</summary>
public interface IIdentityIndex
{
    Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>Creates the link; false if one with that id exists already (someone else won the race).</summary>
    Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken);

    /// <summary>Replaces the link if it still has <paramref name="etag"/>; else <see cref="ConcurrencyConflictException"/>.</summary>
    Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the link if it exists and, when <paramref name="etag"/> is given, still has it; true if a link was deleted.
    /// </summary>
    Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken);
}
