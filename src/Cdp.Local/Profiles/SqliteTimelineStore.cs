using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Profiles;
using Cdp.Local.Storage;

namespace Cdp.Local.Profiles;

/// <summary>
/// Timelines keyed by (profile, timestamp, event id): one unique index gives both the pages and idempotent appends.
/// Pages run newest first by timestamp, then id, and resume after the last row returned (keyset paging), so events
/// appended while a reader pages never shift its pages. The raw archive file an event landed in is a column of its
/// row, written with it (a separate reference row per profile and batch would cost every event of a server-side batch
/// one more random B-tree write); <c>raw_blob_refs</c> holds only the references that arrive without a new row: moved
/// by a merge, or a redelivered event whose row already existed.
/// </summary>
public sealed class SqliteTimelineStore(SqliteDatabase database) : ITimelineStore
{
    private const string InsertSql =
        "INSERT INTO timeline (profile_id, id, ts, body, raw_blob) VALUES ($profile, $id, $ts, $body, $blob) ON CONFLICT (profile_id, ts, id) DO NOTHING";

    private const string FirstPageSql =
        "SELECT id, ts, body FROM timeline WHERE profile_id = $profile ORDER BY ts DESC, id DESC LIMIT $limit";

    private const string InsertRawBlobSql = "INSERT OR IGNORE INTO raw_blob_refs (profile_id, blob) VALUES ($profile, $blob)";

    private const string ListRawBlobsSql = """
        SELECT raw_blob FROM timeline WHERE profile_id = $profile AND raw_blob IS NOT NULL
        UNION SELECT blob FROM raw_blob_refs WHERE profile_id = $profile
        ORDER BY 1
        """;

    private const string NextPageSql =
        "SELECT id, ts, body FROM timeline WHERE profile_id = $profile AND (ts, id) < ($ts, $id) ORDER BY ts DESC, id DESC LIMIT $limit";

    public async Task AppendAsync(string profileId, IReadOnlyList<TimelineEvent> events, string? rawBlob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0 && rawBlob is null)
        {
            return;
        }

        // Serialized before the write lock is taken, into one pooled buffer, so the lock is held only to insert.
        using var bodies = new PooledBodies();
        foreach (var e in events)
        {
            bodies.Add(e, CdpJsonContext.Default.TimelineEvent);
        }

        await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$profile", "$id", "$ts", "$body", "$blob");
            command.Parameters[0].Value = profileId;
            command.Parameters[4].Value = (object?)rawBlob ?? DBNull.Value;
            var inserted = 0;
            for (var i = 0; i < events.Count; i++)
            {
                command.Parameters[1].Value = events[i].Id;
                command.Parameters[2].Value = events[i].Timestamp.UtcTicks;
                command.Parameters[3].Value = bodies[i];
                inserted += command.ExecuteNonQuery();
            }

            // A row that already existed keeps the file it first landed in; this file holds the event too (a redelivery
            // grouped differently lands it again), so it is referenced on its own row.
            if (rawBlob is not null && (events.Count == 0 || inserted < events.Count))
            {
                var reference = session.Command(InsertRawBlobSql, "$profile", "$blob");
                reference.Parameters[0].Value = profileId;
                reference.Parameters[1].Value = rawBlob;
                reference.ExecuteNonQuery();
            }

            return events.Count;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListRawBlobsAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read<IReadOnlyList<string>>(session =>
        {
            var command = session.Command(ListRawBlobsSql, "$profile");
            command.Parameters[0].Value = profileId;
            var blobs = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                blobs.Add(reader.GetString(0));
            }

            return blobs;
        }));
    }

    /// <summary>Events and references in one transaction: an erasure never leaves one without the other.</summary>
    public Task DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        return database.WriteAsync(session =>
        {
            var events = session.Command("DELETE FROM timeline WHERE profile_id = $profile", "$profile");
            events.Parameters[0].Value = profileId;
            var deleted = events.ExecuteNonQuery();
            var references = session.Command("DELETE FROM raw_blob_refs WHERE profile_id = $profile", "$profile");
            references.Parameters[0].Value = profileId;
            return deleted + references.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<TimelinePage> GetPageAsync(string profileId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var after = continuationToken is null ? ((long Ticks, string Id)?)null : PageCursor.Parse(continuationToken);
        return Task.FromResult(database.Read(session =>
        {
            var command = after is null
                ? session.Command(FirstPageSql, "$profile", "$limit")
                : session.Command(NextPageSql, "$profile", "$limit", "$ts", "$id");
            command.Parameters[0].Value = profileId;
            command.Parameters[1].Value = pageSize + 1;
            if (after is { } cursor)
            {
                command.Parameters[2].Value = cursor.Ticks;
                command.Parameters[3].Value = cursor.Id;
            }

            var events = new List<TimelineEvent>(Math.Min(pageSize, 256));
            string? next = null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (events.Count == pageSize)
                {
                    // One row past the page: there is more, resume after the last row returned.
                    var last = events[^1];
                    next = PageCursor.Format(last.Timestamp.UtcTicks, last.Id);
                    break;
                }

                events.Add(JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(2), CdpJsonContext.Default.TimelineEvent)
                    ?? throw new InvalidDataException($"timeline event {reader.GetString(0)} has an empty body"));
            }

            return new TimelinePage(events, next);
        }));
    }
}
