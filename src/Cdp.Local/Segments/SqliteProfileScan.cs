using System.Globalization;
using Cdp.Core.Segments;
using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>
/// Profile ids shard by shard: shard "i/n" holds the rows whose rowid leaves remainder i when divided by n, read in rowid
/// order, so shards are disjoint, stable while rows are added, and paged by the last rowid read.
/// </summary>
public sealed class SqliteProfileScan(SqliteDatabase database) : IProfileScan
{
    /// <summary>Enough to let a refresh's shards overlap with ingestion on a laptop; the workload is the same either way.</summary>
    public const int ShardCount = 4;

    private const string PageSql = """
        SELECT rowid, id FROM profiles WHERE rowid > $after AND rowid % $count = $shard ORDER BY rowid LIMIT $limit
        """;

    public Task<IReadOnlyList<string>> ListShardsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Range(0, ShardCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i}/{ShardCount}"))]);

    public Task<ProfileScanPage> ReadAsync(string shard, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var (index, count) = ParseShard(shard);
        var after = continuation is null ? 0L
            : long.TryParse(continuation, NumberStyles.None, CultureInfo.InvariantCulture, out var rowid) ? rowid
            : throw new ArgumentException("the continuation token was not issued by this scan", nameof(continuation));
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(PageSql, "$after", "$count", "$shard", "$limit");
            command.Parameters[0].Value = after;
            command.Parameters[1].Value = count;
            command.Parameters[2].Value = index;
            command.Parameters[3].Value = pageSize;
            var ids = new List<string>();
            var last = after;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                ids.Add(reader.GetString(1));
            }

            return new ProfileScanPage(ids, ids.Count < pageSize ? null : last.ToString(CultureInfo.InvariantCulture));
        }));
    }

    private static (int Index, int Count) ParseShard(string shard)
    {
        var parts = shard.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0 && index < count
                ? (index, count)
                : throw new ArgumentException($"\"{shard}\" is not a shard this scan listed", nameof(shard));
    }
}
