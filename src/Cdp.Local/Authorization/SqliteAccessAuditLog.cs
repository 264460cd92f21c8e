using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cdp.Core.Authorization;
using Cdp.Local.Storage;

namespace Cdp.Local.Authorization;

/// <summary>
/// The access trail in <c>cdp.db</c> (table <c>access_audit</c>; triggers refuse updates and deletes). Every call to a
/// management route appends a line before it is answered, and profile reads can be frequent, so appends are committed in
/// groups: concurrent callers share one transaction (one flush to disk) instead of queueing for one each.
/// </summary>
public sealed class SqliteAccessAuditLog(SqliteDatabase database) : IAccessAuditLog
{
    public static readonly SqliteSchemaScript Schema = new("access", """
        CREATE TABLE IF NOT EXISTS access_audit (
            seq  INTEGER PRIMARY KEY AUTOINCREMENT,
            id   TEXT NOT NULL UNIQUE,
            body BLOB NOT NULL);
        CREATE TRIGGER IF NOT EXISTS access_audit_no_update BEFORE UPDATE ON access_audit
            BEGIN SELECT RAISE(ABORT, 'the access audit trail is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS access_audit_no_delete BEFORE DELETE ON access_audit
            BEGIN SELECT RAISE(ABORT, 'the access audit trail is append-only'); END;
        """);

    private const string InsertSql = "INSERT INTO access_audit (id, body) VALUES ($id, $body) ON CONFLICT (id) DO NOTHING";
    private const int MaxGroup = 500;

    private readonly ConcurrentQueue<(AccessAuditEntry Entry, TaskCompletionSource Kept)> _queue = new();
    private int _writing;

    public async Task AppendAsync(AccessAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var kept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((entry, kept));
        await DrainAsync();
        await kept.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The last <paramref name="count"/> entries, oldest first.</summary>
    public IReadOnlyList<AccessAuditEntry> Latest(int count) => database.Read(session =>
    {
        var command = session.Command("SELECT body FROM (SELECT seq, body FROM access_audit ORDER BY seq DESC LIMIT $count) ORDER BY seq", "$count");
        command.Parameters[0].Value = count;
        var entries = new List<AccessAuditEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), AccessAuditJsonContext.Default.AccessAuditEntry)
                ?? throw new InvalidDataException("an access audit row has an empty body"));
        }

        return entries;
    });

    /// <summary>
    /// Writes what is queued, one group per transaction, unless another caller is already doing so. The writer re-checks the
    /// queue after letting go, so an entry queued while it was finishing is not left behind.
    /// </summary>
    private async Task DrainAsync()
    {
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            try
            {
                while (Take() is { Count: > 0 } group)
                {
                    await WriteAsync(group);
                }
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
    }

    private List<(AccessAuditEntry Entry, TaskCompletionSource Kept)> Take()
    {
        var group = new List<(AccessAuditEntry, TaskCompletionSource)>();
        while (group.Count < MaxGroup && _queue.TryDequeue(out var item))
        {
            group.Add(item);
        }

        return group;
    }

    private async Task WriteAsync(List<(AccessAuditEntry Entry, TaskCompletionSource Kept)> group)
    {
        try
        {
            var rows = group.Select(g => (g.Entry.Id, Body: JsonSerializer.SerializeToUtf8Bytes(g.Entry, AccessAuditJsonContext.Default.AccessAuditEntry))).ToList();

            // Not the first caller's token: the group is shared, and one caller giving up must not drop the others' lines.
            await database.WriteAsync(session =>
            {
                var command = session.Command(InsertSql, "$id", "$body");
                foreach (var (id, body) in rows)
                {
                    command.Parameters[0].Value = id;
                    command.Parameters[1].Value = body;
                    command.ExecuteNonQuery();
                }

                return rows.Count;
            }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Every caller of the group fails (and is refused an answer) rather than be served unaudited.
            group.ForEach(g => g.Kept.TrySetException(ex));
            return;
        }

        group.ForEach(g => g.Kept.TrySetResult());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AccessAuditEntry))]
internal sealed partial class AccessAuditJsonContext : JsonSerializerContext;
