using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>
/// The segment tables of <c>cdp.db</c> (containers <c>segments</c> and <c>segmentMembers</c> in Azure). The members index
/// holds ids only; it is keyed by segment for listings and counts, with a second index by profile for reconciliation.
/// </summary>
internal static class SegmentsSchema
{
    public static readonly SqliteSchemaScript Script = new("segments", """
        CREATE TABLE IF NOT EXISTS segments (
            key  TEXT PRIMARY KEY,
            etag INTEGER NOT NULL,
            body BLOB NOT NULL);

        CREATE TABLE IF NOT EXISTS segment_members (
            segment_key TEXT NOT NULL,
            profile_id  TEXT NOT NULL,
            since       INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            PRIMARY KEY (segment_key, profile_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS segment_members_by_profile ON segment_members (profile_id);
        """);
}
