namespace Cdp.Core.Segments;

/// <summary>A page of profile ids of one shard; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record ProfileScanPage(IReadOnlyList<string> ProfileIds, string? Continuation);

/// <summary>
/// Port: reads every stored profile id, shard by shard, so a refresh fans out one activity per shard. Shards are opaque
/// tokens (SQLite: a stable split of rowids; Cosmos DB: the container's feed ranges) listed once per refresh. Ids only:
/// callers point-read each profile, which gives them the ETag their conditional write needs.
/// </summary>
public interface IProfileScan
{
    Task<IReadOnlyList<string>> ListShardsAsync(CancellationToken cancellationToken);

    /// <exception cref="ArgumentException">The shard or the continuation was not issued by this store.</exception>
    Task<ProfileScanPage> ReadAsync(string shard, int pageSize, string? continuation, CancellationToken cancellationToken);
}
