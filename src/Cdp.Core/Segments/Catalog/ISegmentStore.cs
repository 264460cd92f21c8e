namespace Cdp.Core.Segments;

/// <summary>Port: segment documents by key (container <c>segments</c>, pk <c>/id</c>). Writes are conditional on the ETag read.</summary>
public interface ISegmentStore
{
    Task<Versioned<SegmentDocument>?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every stored segment, by key (segments are few: hundreds, not millions).</summary>
    Task<IReadOnlyList<SegmentDocument>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates the segment; throws <see cref="ConcurrencyConflictException"/> if the key exists.</summary>
    Task<string> CreateAsync(SegmentDocument segment, CancellationToken cancellationToken);

    /// <summary>Replaces the segment if it still has <paramref name="etag"/>; else <see cref="ConcurrencyConflictException"/>.</summary>
    Task<string> ReplaceAsync(SegmentDocument segment, string etag, CancellationToken cancellationToken);

    /// <summary>Deletes the segment; false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}
