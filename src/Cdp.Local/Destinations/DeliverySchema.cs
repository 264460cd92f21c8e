using Cdp.Local.Storage;

namespace Cdp.Local.Destinations;

/// <summary>
/// The delivery queue's table in <c>cdp.db</c> (container <c>deliveries</c> in Azure). One row per destination and
/// delivery id, kept once sent or dropped so a delivery queued again changes nothing. Ids and states only: no personal
/// data (the message is built from the profile when it is sent).
/// </summary>
internal static class DeliverySchema
{
    public static readonly SqliteSchemaScript Script = new("deliveries", """
        CREATE TABLE IF NOT EXISTS deliveries (
            destination     TEXT NOT NULL,
            id              TEXT NOT NULL,
            profile_id      TEXT NOT NULL,
            state           TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            leased_until    INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            reason          TEXT,
            body            BLOB NOT NULL,
            PRIMARY KEY (destination, id));
        CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (destination, state, next_attempt_at, id);
        CREATE INDEX IF NOT EXISTS deliveries_dead_letters ON deliveries (destination, state, updated_at, id);
        CREATE INDEX IF NOT EXISTS deliveries_by_profile ON deliveries (profile_id);
        """);
}
