using Cdp.Core.Privacy;
using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>
/// The suppression list: keyed hashes from <see cref="SuppressionKeys"/> with the request that added them. Look-ups run
/// on the ingest path inside the outbox batch's transaction, one prepared point read per distinct key.
/// </summary>
public sealed class SqliteSuppressionList(SqliteDatabase database) : ISuppressionList
{
    private const string InsertSql =
        "INSERT INTO suppressions (key, request_id, created_at) VALUES ($key, $request, $at) ON CONFLICT (key) DO NOTHING";

    private const string FindSql = "SELECT request_id, created_at FROM suppressions WHERE key = $key";

    public Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$key", "$request", "$at");
            foreach (var entry in entries)
            {
                command.Parameters[0].Value = entry.Key;
                command.Parameters[1].Value = entry.RequestId;
                command.Parameters[2].Value = entry.CreatedAt.UtcTicks;
                command.ExecuteNonQuery();
            }

            return entries.Count;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SuppressionEntry>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<SuppressionEntry>>([]);
        }

        return Task.FromResult<IReadOnlyList<SuppressionEntry>>(database.Read(session =>
        {
            var found = new List<SuppressionEntry>();
            var command = session.Command(FindSql, "$key");
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                command.Parameters[0].Value = key;
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    found.Add(new SuppressionEntry(key, reader.GetString(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
                }
            }

            return found;
        }));
    }

    public Task<IReadOnlyList<SuppressionEntry>> ListByRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<SuppressionEntry>>(database.Read(session =>
        {
            var command = session.Command("SELECT key, created_at FROM suppressions WHERE request_id = $request ORDER BY key", "$request");
            command.Parameters[0].Value = requestId;
            var found = new List<SuppressionEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found.Add(new SuppressionEntry(reader.GetString(0), requestId, new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
            }

            return found;
        }));
    }

    public Task<int> RemoveAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return Task.FromResult(0);
        }

        return database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM suppressions WHERE key = $key", "$key");
            var removed = 0;
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                command.Parameters[0].Value = key;
                removed += command.ExecuteNonQuery();
            }

            return removed;
        }, cancellationToken);
    }

    /// <summary>How many identities are suppressed (for the privacy API's suppression summary).</summary>
    public long Count() => database.Read(session => (long)session.Command("SELECT count(*) FROM suppressions").ExecuteScalar()!);
}
