using System.Globalization;
using Cdp.Core.Segments;

namespace Cdp.Tests.InMemory;

/// <summary>
/// <see cref="IProfileScan"/> over <see cref="InMemoryProfileStore"/>: two shards split by the parity of a stable hash
/// of the id, so fan-out is exercised; continuations are offsets into the shard's ids in order.
/// </summary>
internal sealed class InMemoryProfileScan(InMemoryProfileStore profiles) : IProfileScan
{
    public Task<IReadOnlyList<string>> ListShardsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["0", "1"]);

    public Task<ProfileScanPage> ReadAsync(string shard, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var index = shard switch { "0" => 0, "1" => 1, _ => throw new ArgumentException("not a shard of this scan", nameof(shard)) };
        var offset = continuation is null ? 0 : int.Parse(continuation, CultureInfo.InvariantCulture);
        var ids = profiles.Ids.Where(id => (StableHash(id) & 1) == index).Order(StringComparer.Ordinal).Skip(offset).Take(pageSize).ToList();
        return Task.FromResult(new ProfileScanPage(ids, ids.Count < pageSize ? null : (offset + ids.Count).ToString(CultureInfo.InvariantCulture)));
    }

    private static int StableHash(string id) => id.Aggregate(17, (h, c) => unchecked((h * 31) + c));
}
