using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>
/// How many events ingestion dropped because they carried a suppressed identity. Added inside the outbox batch's
/// transaction, so a batch that rolls back and runs again is counted once, and the count survives restarts.
/// </summary>
public sealed class SuppressedEventCount(SqliteDatabase database)
{
    private const string Name = "suppressed_events";

    public Task AddAsync(int events, CancellationToken cancellationToken)
    {
        if (events <= 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(session =>
        {
            var command = session.Command(
                "INSERT INTO privacy_counters (name, value) VALUES ($name, $n) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                "$name", "$n");
            command.Parameters[0].Value = Name;
            command.Parameters[1].Value = events;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public long Read() => database.Read(session =>
    {
        var command = session.Command("SELECT value FROM privacy_counters WHERE name = $name", "$name");
        command.Parameters[0].Value = Name;
        return command.ExecuteScalar() is long value ? value : 0;
    });
}
