using Microsoft.Data.Sqlite;

namespace Cdp.Local.Storage;

/// <summary><c>PRAGMA wal_checkpoint(TRUNCATE)</c> for the local databases (the profile database and the workflow journal).</summary>
internal static class SqliteCheckpoint
{
    public const int MaxAttempts = 50;
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>True when every frame was copied back and the log truncated; false when a reader kept it busy.</summary>
    public static bool Truncate(SqliteSession session) => Truncate(session.Connection);

    public static bool Truncate(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var reader = command.ExecuteReader();

        // One row: busy (1 when a reader or writer prevented completion), frames in the log, frames checkpointed.
        return reader.Read() && reader.GetInt64(0) == 0;
    }
}
