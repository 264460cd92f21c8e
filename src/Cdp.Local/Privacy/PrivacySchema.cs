using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>
/// The privacy tables of <c>cdp.db</c> (container <c>privacy</c> in Azure). Request bodies hold the subject's identities
/// only while the request runs; completion rewrites the row without them (secure_delete zeroes the old bytes).
/// The audit table refuses updates and deletes: the trail is append-only in the database itself, not just by habit.
/// </summary>
internal static class PrivacySchema
{
    public static readonly SqliteSchemaScript Script = new("privacy", """
        CREATE TABLE IF NOT EXISTS privacy_requests (
            id           TEXT PRIMARY KEY,
            etag         INTEGER NOT NULL,
            received_at  INTEGER NOT NULL,
            request_hash TEXT NOT NULL,
            unfinished   INTEGER NOT NULL,
            body         BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS privacy_requests_newest_first ON privacy_requests (received_at DESC, id);
        CREATE INDEX IF NOT EXISTS privacy_requests_unfinished ON privacy_requests (request_hash, received_at) WHERE unfinished = 1;

        CREATE TABLE IF NOT EXISTS suppressions (
            key        TEXT PRIMARY KEY,
            request_id TEXT NOT NULL,
            created_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS suppressions_by_request ON suppressions (request_id);

        CREATE TABLE IF NOT EXISTS privacy_audit (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            id         TEXT NOT NULL UNIQUE,
            request_id TEXT NOT NULL,
            body       BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS privacy_audit_by_request ON privacy_audit (request_id, seq);
        CREATE TRIGGER IF NOT EXISTS privacy_audit_no_update BEFORE UPDATE ON privacy_audit
            BEGIN SELECT RAISE(ABORT, 'the privacy audit trail is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS privacy_audit_no_delete BEFORE DELETE ON privacy_audit
            BEGIN SELECT RAISE(ABORT, 'the privacy audit trail is append-only'); END;

        CREATE TABLE IF NOT EXISTS export_ledger (
            id          TEXT PRIMARY KEY,
            profile_id  TEXT NOT NULL,
            exported_at INTEGER NOT NULL,
            body        BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS export_ledger_by_profile ON export_ledger (profile_id, exported_at, id);

        CREATE TABLE IF NOT EXISTS privacy_counters (
            name  TEXT PRIMARY KEY,
            value INTEGER NOT NULL) WITHOUT ROWID;
        """);
}
