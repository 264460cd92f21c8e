using System.Text.Json;
using Cdp.Core.Destinations;
using Cdp.Local.Storage;
using Microsoft.Data.Sqlite;
using Cdp.Core.Segments;

namespace Cdp.Local.Destinations;

/// <summary>
/// The delivery queue on SQLite. Every change goes through <see cref="SqliteDatabase.WriteAsync{T}"/>, so an enqueue made
/// inside the outbox's transaction commits (or rolls back) with the profile write that caused it; leasing is one write
/// transaction (SQLite has one writer), so two pumps never take the same delivery.
/// </summary>
public sealed class SqliteDeliveryQueue(SqliteDatabase database) : IDeliveryQueue
{
    private const string Columns = "body, state, attempts, next_attempt_at, leased_until, reason, updated_at";

    private const string InsertSql = """
        INSERT INTO deliveries (destination, id, profile_id, state, attempts, next_attempt_at, leased_until, updated_at, body)
        VALUES ($destination, $id, $profile, 'queued', 0, $due, 0, $due, $body)
        ON CONFLICT (destination, id) DO NOTHING
        """;

    private const string DueSql = $"""
        SELECT {Columns} FROM deliveries
        WHERE destination = $destination AND state = 'queued' AND next_attempt_at <= $now AND leased_until <= $now
        ORDER BY next_attempt_at, id LIMIT $max
        """;

    private const string LeaseSql = "UPDATE deliveries SET leased_until = $until WHERE destination = $destination AND id = $id";

    private const string SettleSql = """
        UPDATE deliveries SET state = $state, attempts = attempts + $counted, reason = $reason, updated_at = $at, leased_until = 0
        WHERE destination = $destination AND id = $id AND state = 'queued'
        """;

    private const string RetrySql = """
        UPDATE deliveries SET attempts = attempts + 1, reason = $reason, next_attempt_at = $next, leased_until = 0
        WHERE destination = $destination AND id = $id AND state = 'queued'
        """;

    private const string FirstDeadSql = $"""
        SELECT {Columns} FROM deliveries WHERE destination = $destination AND state = 'deadLettered'
        ORDER BY updated_at, id LIMIT $limit
        """;

    private const string NextDeadSql = $"""
        SELECT {Columns} FROM deliveries WHERE destination = $destination AND state = 'deadLettered'
          AND (updated_at > $at OR (updated_at = $at AND id > $id))
        ORDER BY updated_at, id LIMIT $limit
        """;

    private const string RedriveAllSql = """
        UPDATE deliveries SET state = 'queued', attempts = 0, next_attempt_at = $now, leased_until = 0, updated_at = $now
        WHERE destination = $destination AND state = 'deadLettered'
        """;

    private const string RedriveOneSql = """
        UPDATE deliveries SET state = 'queued', attempts = 0, next_attempt_at = $now, leased_until = 0, updated_at = $now
        WHERE destination = $destination AND id = $id AND state = 'deadLettered'
        """;

    private const string CountSql = """
        SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'deadLettered'), 0) FROM deliveries
        WHERE destination = $destination AND state IN ('queued', 'deadLettered')
        """;

    public Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return Task.CompletedTask;
        }

        var bodies = deliveries.Select(d => JsonSerializer.SerializeToUtf8Bytes(d, DestinationJsonContext.Default.AudienceDelivery)).ToList();
        return database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$destination", "$id", "$profile", "$due", "$body");
            for (var i = 0; i < deliveries.Count; i++)
            {
                command.Parameters[0].Value = deliveries[i].Destination;
                command.Parameters[1].Value = deliveries[i].Id;
                command.Parameters[2].Value = deliveries[i].ProfileId;
                command.Parameters[3].Value = deliveries[i].At.UtcTicks;
                command.Parameters[4].Value = bodies[i];
                command.ExecuteNonQuery();
            }

            return deliveries.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<QueuedDelivery>> LeaseDueAsync(
        string destination, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        await database.WriteAsync(session =>
        {
            var select = session.Command(DueSql, "$destination", "$now", "$max");
            select.Parameters[0].Value = destination;
            select.Parameters[1].Value = now.UtcTicks;
            select.Parameters[2].Value = max;
            var due = ReadAll(select);
            var lease = session.Command(LeaseSql, "$until", "$destination", "$id");
            foreach (var item in due)
            {
                lease.Parameters[0].Value = leaseUntil.UtcTicks;
                lease.Parameters[1].Value = destination;
                lease.Parameters[2].Value = item.Delivery.Id;
                lease.ExecuteNonQuery();
            }

            return (IReadOnlyList<QueuedDelivery>)due.Select(d => d with { LeasedUntil = leaseUntil }).ToList();
        }, cancellationToken);

    public Task MarkSentAsync(string destination, IReadOnlyCollection<string> ids, DateTimeOffset at, CancellationToken cancellationToken) =>
        SettleAsync(destination, ids, DeliveryStates.Sent, counted: 1, null, at, cancellationToken);

    public Task DeadLetterAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        SettleAsync(destination, ids, DeliveryStates.DeadLettered, counted: 1, reason, at, cancellationToken);

    public Task DropAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        SettleAsync(destination, ids, DeliveryStates.Dropped, counted: 0, reason, at, cancellationToken);

    public Task RecordFailureAsync(
        string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return database.WriteAsync(session =>
        {
            var command = session.Command(RetrySql, "$reason", "$next", "$destination", "$id");
            foreach (var id in ids)
            {
                command.Parameters[0].Value = reason;
                command.Parameters[1].Value = nextAttemptAt.UtcTicks;
                command.Parameters[2].Value = destination;
                command.Parameters[3].Value = id;
                command.ExecuteNonQuery();
            }

            return ids.Count;
        }, cancellationToken);
    }

    public Task<DeadLetterPage> ListDeadLettersAsync(string destination, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var after = continuationToken is null ? ((long Ticks, string Id)?)null : PageCursor.Parse(continuationToken);
        return Task.FromResult(database.Read(session =>
        {
            var command = after is null
                ? session.Command(FirstDeadSql, "$destination", "$limit")
                : session.Command(NextDeadSql, "$destination", "$limit", "$at", "$id");
            command.Parameters[0].Value = destination;
            command.Parameters[1].Value = pageSize + 1;
            if (after is { } cursor)
            {
                command.Parameters[2].Value = cursor.Ticks;
                command.Parameters[3].Value = cursor.Id;
            }

            var items = ReadAll(command);
            if (items.Count <= pageSize)
            {
                return new DeadLetterPage(items, null);
            }

            var last = items[pageSize - 1];
            return new DeadLetterPage(items[..pageSize], PageCursor.Format(last.UpdatedAt!.Value.UtcTicks, last.Delivery.Id));
        }));
    }

    public Task<int> RedriveAsync(string destination, IReadOnlyCollection<string>? ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(session =>
        {
            if (ids is null || ids.Count == 0)
            {
                var all = session.Command(RedriveAllSql, "$now", "$destination");
                all.Parameters[0].Value = now.UtcTicks;
                all.Parameters[1].Value = destination;
                return all.ExecuteNonQuery();
            }

            var one = session.Command(RedriveOneSql, "$now", "$destination", "$id");
            var redriven = 0;
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                one.Parameters[0].Value = now.UtcTicks;
                one.Parameters[1].Value = destination;
                one.Parameters[2].Value = id;
                redriven += one.ExecuteNonQuery();
            }

            return redriven;
        }, cancellationToken);

    public Task<DeliveryCounts> CountAsync(string destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(CountSql, "$destination");
            command.Parameters[0].Value = destination;
            using var reader = command.ExecuteReader();
            reader.Read();
            return new DeliveryCounts(reader.GetInt64(0), reader.GetInt64(1));
        }));
    }

    public Task<int> DeleteByProfileAsync(string profileId, CancellationToken cancellationToken) =>
        database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM deliveries WHERE profile_id = $profile", "$profile");
            command.Parameters[0].Value = profileId;
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private Task<int> SettleAsync(
        string destination, IReadOnlyCollection<string> ids, string state, int counted, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return database.WriteAsync(session =>
        {
            var command = session.Command(SettleSql, "$state", "$counted", "$reason", "$at", "$destination", "$id");
            foreach (var id in ids)
            {
                command.Parameters[0].Value = state;
                command.Parameters[1].Value = counted;
                command.Parameters[2].Value = (object?)reason ?? DBNull.Value;
                command.Parameters[3].Value = at.UtcTicks;
                command.Parameters[4].Value = destination;
                command.Parameters[5].Value = id;
                command.ExecuteNonQuery();
            }

            return ids.Count;
        }, cancellationToken);
    }

    private static List<QueuedDelivery> ReadAll(SqliteCommand command)
    {
        var items = new List<QueuedDelivery>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var delivery = JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), DestinationJsonContext.Default.AudienceDelivery)
                ?? throw new InvalidDataException("a delivery row has an empty body");
            var leased = reader.GetInt64(4);
            items.Add(new QueuedDelivery(
                delivery,
                reader.GetString(1),
                reader.GetInt32(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                leased == 0 ? null : new DateTimeOffset(leased, TimeSpan.Zero),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero)));
        }

        return items;
    }
}
