namespace Cdp.Core.Profiles;

/// <summary>Port: profile documents, read by id (one or, for a batch, many at once). Writes are conditional on the ETag read.</summary>
public interface IProfileStore
{
    Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The stored documents of those of <paramref name="ids"/> that exist, by id, each with its ETag (missing ids are
    /// absent; an id asked twice is read once). A tombstone is returned as it is: following <c>mergedInto</c> is the
    /// caller's business (<c>LiveProfiles</c>). Default: one point read per id; stores that can read many items in one
    /// request do so.
    /// </summary>
    async Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<string, Versioned<Profile>>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await GetAsync(id, cancellationToken) is { } profile)
            {
                found[id] = profile;
            }
        }

        return found;
    }

    /// <summary>Creates the profile; throws <see cref="ConcurrencyConflictException"/> if the id exists.</summary>
    Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken);

    /// <summary>Replaces the profile if it still has <paramref name="etag"/>; else <see cref="ConcurrencyConflictException"/>.</summary>
    Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken);

    /// <summary>Deletes the profile (erasure); false when there was none. Default: not supported by this store.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot delete profiles yet, so privacy erasure cannot run on it");
}

/// <summary>Port: a profile's timeline, one partition per profile.</summary>
public interface ITimelineStore
{
    /// <summary>
    /// Writes events by id, and with them (in the same write) the reference to the raw archive file
    /// <paramref name="rawBlob"/> that holds them, when there is one. Writing an event or a reference that exists
    /// again changes nothing (idempotent). A reference may be written with no events (a redelivered batch).
    /// </summary>
    Task AppendAsync(string profileId, IReadOnlyList<TimelineEvent> events, string? rawBlob, CancellationToken cancellationToken);

    /// <summary>Pages of events, newest first. Raw archive references are never on a page.</summary>
    Task<TimelinePage> GetPageAsync(string profileId, int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>
    /// The raw archive files holding this profile's events, distinct, in ordinal order: the index erasure rewrites
    /// from. References outlive the timeline's retention; only <see cref="DeleteAllAsync"/> removes them.
    /// </summary>
    Task<IReadOnlyList<string>> ListRawBlobsAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a profile's whole timeline (its partition) and its raw archive references; removing an empty one is
    /// not an error.
    /// </summary>
    Task DeleteAllAsync(string profileId, CancellationToken cancellationToken);
}
