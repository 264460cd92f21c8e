using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>The export ledger (what was sent where), one row per delivery id, read by profile.</summary>
public sealed class SqliteExportLedger(SqliteDatabase database) : IExportLedger
{
    private const string UpsertSql = """
        INSERT INTO export_ledger (id, profile_id, exported_at, body) VALUES ($id, $profile, $at, $body)
        ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, exported_at = excluded.exported_at, body = excluded.body
        """;

    public Task RecordAsync(ExportRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var body = JsonSerializer.SerializeToUtf8Bytes(record, PrivacyJsonContext.Default.ExportRecord);
        return database.WriteAsync(session =>
        {
            var command = session.Command(UpsertSql, "$id", "$profile", "$at", "$body");
            command.Parameters[0].Value = record.Id;
            command.Parameters[1].Value = record.ProfileId;
            command.Parameters[2].Value = record.ExportedAt.UtcTicks;
            command.Parameters[3].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ExportRecord>> ListByProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ExportRecord>>(database.Read(session =>
        {
            var command = session.Command("SELECT body FROM export_ledger WHERE profile_id = $profile ORDER BY exported_at, id", "$profile");
            command.Parameters[0].Value = profileId;
            var records = new List<ExportRecord>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add(JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), PrivacyJsonContext.Default.ExportRecord)
                    ?? throw new InvalidDataException("an export ledger row has an empty body"));
            }

            return records;
        }));
    }
}
