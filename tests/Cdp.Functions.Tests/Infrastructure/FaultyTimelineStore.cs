using Cdp.Core.Profiles;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>
/// A timeline store whose <see cref="DeleteAllAsync"/> fails its first <c>failures</c> calls (a storage outage). Only
/// workflows delete timelines (a merge moving the loser's, an erasure), so ingestion is never affected.
/// </summary>
internal sealed class FaultyTimelineStore(ITimelineStore inner, int failures) : ITimelineStore
{
    public const string Error = "timeline store unavailable";

    private int _calls;

    /// <summary>DeleteAllAsync calls so far, failed ones included.</summary>
    public int DeleteCalls => Volatile.Read(ref _calls);

    public Task AppendAsync(string profileId, IReadOnlyList<TimelineEvent> events, string? rawBlob, CancellationToken cancellationToken) =>
        inner.AppendAsync(profileId, events, rawBlob, cancellationToken);

    public Task<IReadOnlyList<string>> ListRawBlobsAsync(string profileId, CancellationToken cancellationToken) =>
        inner.ListRawBlobsAsync(profileId, cancellationToken);

    public Task<TimelinePage> GetPageAsync(string profileId, int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        inner.GetPageAsync(profileId, pageSize, continuationToken, cancellationToken);

    public Task DeleteAllAsync(string profileId, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _calls) <= failures
            ? throw new IOException(Error)
            : inner.DeleteAllAsync(profileId, cancellationToken);
}
