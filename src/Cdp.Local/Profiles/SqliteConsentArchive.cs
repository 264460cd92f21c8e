using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Local.Storage;

namespace Cdp.Local.Profiles;

/// <summary>
/// Archived consent changes in <c>consent_archive</c>, keyed by (profile, entry id): the entry id derives from the entry,
/// so appending one again is ignored. Writes join the ambient transaction (the outbox batch's), like the profile's own.
/// </summary>
public sealed class SqliteConsentArchive(SqliteDatabase database) : IConsentArchive
{
    public static readonly SqliteSchemaScript Schema = new("consent_archive", """
        CREATE TABLE IF NOT EXISTS consent_archive (
            profile_id TEXT NOT NULL,
            entry_id   TEXT NOT NULL,
            at         INTEGER NOT NULL,
            body       BLOB NOT NULL,
            PRIMARY KEY (profile_id, entry_id)) WITHOUT ROWID;
        """);

    private const string InsertSql =
        "INSERT OR IGNORE INTO consent_archive (profile_id, entry_id, at, body) VALUES ($profile, $id, $at, $body)";

    private const string ListSql = "SELECT body FROM consent_archive WHERE profile_id = $profile ORDER BY at, entry_id";

    public Task AppendAsync(string profileId, IReadOnlyList<ConsentHistoryEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        var rows = entries.Select(e => (Id: ConsentArchiveIds.EntryId(profileId, e), Ticks: e.At.UtcTicks,
            Body: JsonSerializer.SerializeToUtf8Bytes(e, CdpJsonContext.Default.ConsentHistoryEntry))).ToList();
        return database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$profile", "$id", "$at", "$body");
            command.Parameters[0].Value = profileId;
            foreach (var (id, ticks, body) in rows)
            {
                command.Parameters[1].Value = id;
                command.Parameters[2].Value = ticks;
                command.Parameters[3].Value = body;
                command.ExecuteNonQuery();
            }

            return rows.Count;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ConsentHistoryEntry>> ListAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read<IReadOnlyList<ConsentHistoryEntry>>(session =>
        {
            var command = session.Command(ListSql, "$profile");
            command.Parameters[0].Value = profileId;
            var entries = new List<ConsentHistoryEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), CdpJsonContext.Default.ConsentHistoryEntry)
                    ?? throw new InvalidDataException($"an archived consent change of profile {profileId} has an empty body"));
            }

            return entries;
        }));
    }

    public Task<int> DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        return database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM consent_archive WHERE profile_id = $profile", "$profile");
            command.Parameters[0].Value = profileId;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }
}
