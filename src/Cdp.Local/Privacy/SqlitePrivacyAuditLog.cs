using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>The append-only audit trail: an entry whose id exists is ignored, and triggers refuse updates and deletes.</summary>
public sealed class SqlitePrivacyAuditLog(SqliteDatabase database) : IPrivacyAuditLog
{
    private const string InsertSql =
        "INSERT INTO privacy_audit (id, request_id, body) VALUES ($id, $request, $body) ON CONFLICT (id) DO NOTHING";

    public Task AppendAsync(PrivacyAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var body = JsonSerializer.SerializeToUtf8Bytes(entry, PrivacyJsonContext.Default.PrivacyAuditEntry);
        return database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$id", "$request", "$body");
            command.Parameters[0].Value = entry.Id;
            command.Parameters[1].Value = entry.RequestId;
            command.Parameters[2].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PrivacyAuditEntry>> ListAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<PrivacyAuditEntry>>(database.Read(session =>
        {
            var command = session.Command("SELECT body FROM privacy_audit WHERE request_id = $request ORDER BY seq", "$request");
            command.Parameters[0].Value = requestId;
            var entries = new List<PrivacyAuditEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), PrivacyJsonContext.Default.PrivacyAuditEntry)
                    ?? throw new InvalidDataException("an audit row has an empty body"));
            }

            return entries;
        }));
    }
}
