using Cdp.Core.Ingestion;
using Cdp.Local.Storage;

namespace Cdp.Local.Ingestion;

/// <summary>
/// Processed messageIds with their expiry. An expired row counts as not processed; expired rows are deleted
/// a bounded slice at a time, at most once a minute, by the writes that add new ones.
/// </summary>
public sealed class SqliteDedupStore(SqliteDatabase database, TimeProvider time) : IDedupStore
{
    private const int PurgeSlice = 5_000;
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    private const string SelectSql = "SELECT expires_at FROM dedup WHERE message_id = $id";

    private const string UpsertSql = """
        INSERT INTO dedup (message_id, expires_at) VALUES ($id, $expires)
        ON CONFLICT (message_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)
        """;

    private const string PurgeSql = """
        DELETE FROM dedup WHERE message_id IN (SELECT message_id FROM dedup WHERE expires_at <= $now LIMIT $slice)
        """;

    private long _lastPurgeTicks = long.MinValue;

    public Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (messageIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        var now = time.GetUtcNow().UtcTicks;
        return Task.FromResult<IReadOnlySet<string>>(database.Read(session =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            var command = session.Command(SelectSql, "$id");
            foreach (var id in messageIds)
            {
                command.Parameters[0].Value = id;
                if (command.ExecuteScalar() is long expiresAt && expiresAt > now)
                {
                    found.Add(id);
                }
            }

            return found;
        }));
    }

    public async Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastPurgeTicks);
        var purge = last == long.MinValue || now - last >= PurgeInterval.Ticks;
        await database.WriteAsync(session =>
        {
            var upsert = session.Command(UpsertSql, "$id", "$expires");
            upsert.Parameters[1].Value = expiresAt.UtcTicks;
            foreach (var id in messageIds)
            {
                upsert.Parameters[0].Value = id;
                upsert.ExecuteNonQuery();
            }

            if (purge)
            {
                var command = session.Command(PurgeSql, "$now", "$slice");
                command.Parameters[0].Value = now;
                command.Parameters[1].Value = PurgeSlice;
                command.ExecuteNonQuery();
            }

            return messageIds.Count;
        }, cancellationToken);

        if (purge)
        {
            Interlocked.CompareExchange(ref _lastPurgeTicks, now, last);
        }
    }

    public Task<int> ForgetAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return Task.FromResult(0);
        }

        return database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM dedup WHERE message_id = $id", "$id");
            var forgotten = 0;
            foreach (var id in messageIds.Distinct(StringComparer.Ordinal))
            {
                command.Parameters[0].Value = id;
                forgotten += command.ExecuteNonQuery();
            }

            return forgotten;
        }, cancellationToken);
    }
}
