namespace Cdp.Local.Storage;

/// <summary>
/// DDL another part of the local host needs (e.g. a workflow journal). Register it as a singleton and the
/// database runs it at open, after the core schema; it must be idempotent (<c>CREATE ... IF NOT EXISTS</c>).
/// </summary>
public sealed record SqliteSchemaScript(string Name, string Sql);

/// <summary>
/// The tables behind the Core ports. Bodies are UTF-8 JSON BLOBs: <c>CAST(body AS TEXT)</c> shows them.
/// Tables with JSON bodies keep a rowid, so new rows append and only the small key index takes random inserts;
/// WITHOUT ROWID is kept for the narrow tables, where it saves that second index.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Bumped when a released schema changes shape; a newer database is refused rather than misread.</summary>
    public const int Version = 2;

    public const string Core = """
        CREATE TABLE IF NOT EXISTS outbox (
            seq  INTEGER PRIMARY KEY AUTOINCREMENT,
            body BLOB NOT NULL);

        CREATE TABLE IF NOT EXISTS profiles (
            id   TEXT PRIMARY KEY,
            etag INTEGER NOT NULL,
            body BLOB NOT NULL);

        -- One index serves both the newest-first pages and idempotent appends: a redelivered event carries the
        -- timestamp intake gave it, so (profile, ts, id) names it as (profile, id) would. A second unique index on
        -- (profile, id) cost every event one more random B-tree insert (schema version 1 had it; see MigrateTimeline).
        CREATE TABLE IF NOT EXISTS timeline (
            profile_id TEXT NOT NULL,
            id         TEXT NOT NULL,
            ts         INTEGER NOT NULL,
            body       BLOB NOT NULL,
            raw_blob   TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS timeline_newest_first ON timeline (profile_id, ts DESC, id DESC);

        -- The raw archive files holding each profile's events (ADR 0016) that no timeline row names: moved by a merge,
        -- or a redelivered event whose row existed. Added after version 1 shipped: IF NOT EXISTS gives older databases
        -- the table at open, nothing else changes.
        CREATE TABLE IF NOT EXISTS raw_blob_refs (
            profile_id TEXT NOT NULL,
            blob       TEXT NOT NULL,
            PRIMARY KEY (profile_id, blob)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS identities (
            id         TEXT PRIMARY KEY,
            profile_id TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen  INTEGER NOT NULL,
            etag       INTEGER NOT NULL) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS dedup (
            message_id TEXT PRIMARY KEY,
            expires_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS dedup_by_expiry ON dedup (expires_at);

        CREATE TABLE IF NOT EXISTS sources (
            id               TEXT PRIMARY KEY,
            name             TEXT NOT NULL,
            write_key_sha256 TEXT NOT NULL UNIQUE,
            created_at       INTEGER NOT NULL) WITHOUT ROWID;
        """;

    public static void Apply(SqliteSession session, IEnumerable<SqliteSchemaScript> extra)
    {
        using var versionCommand = session.Connection.CreateCommand();
        versionCommand.CommandText = "PRAGMA user_version";
        var found = Convert.ToInt32(versionCommand.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (found > Version)
        {
            throw new InvalidOperationException(
                $"{session.Connection.DataSource} has schema version {found}, newer than this build understands ({Version}); upgrade the host");
        }

        using var transaction = session.Connection.BeginTransaction();
        session.Transaction = transaction;
        try
        {
            if (found == 1)
            {
                MigrateTimeline(session);
            }

            session.Execute(Core);
            foreach (var script in extra)
            {
                session.Execute(script.Sql);
            }

            session.Execute($"PRAGMA user_version = {Version}");
            transaction.Commit();
        }
        finally
        {
            session.Transaction = null;
        }
    }

    /// <summary>
    /// Version 1 to 2: the timeline loses its primary key on (profile, id), which only repeated what the newest-first
    /// index, now unique, already says. SQLite cannot drop a primary key, so the rows move to a table of the new shape
    /// (in rowid order, so they keep their order on disk). A version 1 database may also predate the raw-archive column
    /// (ADR 0016 added <c>timeline.raw_blob</c> after version 1 shipped): its rows read as null, and their files are on
    /// the profiles' legacy lists. Runs inside the schema transaction: a crash leaves version 1 as it was.
    /// </summary>
    private static void MigrateTimeline(SqliteSession session)
    {
        using var probe = session.Connection.CreateCommand();
        probe.Transaction = session.Transaction;
        probe.CommandText = "SELECT count(*) FROM pragma_table_info('timeline') WHERE name = 'raw_blob'";
        var rawBlob = Convert.ToInt32(probe.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0 ? "NULL" : "raw_blob";
        session.Execute($"""
            CREATE TABLE timeline_v2 (
                profile_id TEXT NOT NULL,
                id         TEXT NOT NULL,
                ts         INTEGER NOT NULL,
                body       BLOB NOT NULL,
                raw_blob   TEXT);
            INSERT INTO timeline_v2 (profile_id, id, ts, body, raw_blob)
                SELECT profile_id, id, ts, body, {rawBlob} FROM timeline ORDER BY rowid;
            DROP TABLE timeline;
            ALTER TABLE timeline_v2 RENAME TO timeline;
            """);
    }
}
