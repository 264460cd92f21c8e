using System.Globalization;
using Cdp.Core.Segments;
using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>
/// Profile ids shard by shard: shard "i/n" holds the rows whose rowid leaves remainder i when divided by n, so shards are
/// disjoint and stable while rows are added. Each is read in id order from the id index (rowid is in its entries, so
/// the table is not touched) and paged by the last id read. Id order is what keeps a first refresh's writes small: the
/// members index is keyed by profile id, so a page's rows land on a few neighbouring index pages instead of one random
/// page each, and SQLite writes each changed page once per transaction (rowid order had every page's commit rewrite
/// ~1,000 scattered index pages).
/// </summary>
public sealed class SqliteProfileScan(SqliteDatabase database) : IProfileScan
{
    /// <summary>Enough to let a refresh's shards overlap with ingestion on a laptop; the workload is the same either way.</summary>
    public const int ShardCount = 4;

    private const string PageSql = """
        SELECT id FROM profiles WHERE id > $after AND rowid % $count = $shard ORDER BY id LIMIT $limit
        """;

    public Task<IReadOnlyList<string>> ListShardsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Range(0, ShardCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i}/{ShardCount}"))]);

    public Task<ProfileScanPage> ReadAsync(string shard, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var (index, count) = ParseShard(shard);
        var after = continuation is null ? string.Empty : PageCursor.Parse(continuation).Id;
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(PageSql, "$after", "$count", "$shard", "$limit");
            command.Parameters[0].Value = after;
            command.Parameters[1].Value = count;
            command.Parameters[2].Value = index;
            command.Parameters[3].Value = pageSize;
            var ids = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return new ProfileScanPage(ids, ids.Count < pageSize ? null : PageCursor.Format(0, ids[^1]));
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
