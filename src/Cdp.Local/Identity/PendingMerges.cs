using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Local.Storage;

namespace Cdp.Local.Identity;

/// <summary>
/// The local merge hand-off. Merges found while processing a batch are written to <c>pending_merges</c> inside the
/// batch's own transaction, and started on the workflow runner only after it commits: a merge started earlier would
/// run against profiles it cannot see yet, and one started later could be lost to a crash. Whatever is left over
/// (a crash between commit and start) is started on the next dispatch, at the latest when the host starts again.
/// </summary>
public sealed class PendingMerges(SqliteDatabase database, WorkflowMergeScheduler workflows) : IMergeScheduler
{
    public static readonly SqliteSchemaScript Schema = new("pending_merges", """
        CREATE TABLE IF NOT EXISTS pending_merges (
            instance_id TEXT PRIMARY KEY,
            body        BLOB NOT NULL) WITHOUT ROWID;
        """);

    /// <summary>Records the request in the current transaction (the outbox batch's, when called from processing).</summary>
    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, LocalJsonContext.Default.MergeRequest);
        return database.WriteAsync(session =>
        {
            var command = session.Command("INSERT OR IGNORE INTO pending_merges (instance_id, body) VALUES ($id, $body)", "$id", "$body");
            command.Parameters[0].Value = request.InstanceId;
            command.Parameters[1].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <summary>Starts every committed request on the workflow runner, then forgets it. Returns how many were started.</summary>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        var pending = database.Read(session =>
        {
            var list = new List<(string Id, MergeRequest Request)>();
            using var reader = session.Command("SELECT instance_id, body FROM pending_merges").ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(1), LocalJsonContext.Default.MergeRequest)!));
            }

            return list;
        });

        foreach (var (id, request) in pending)
        {
            // Starting an instance id that exists is a no-op, so a crash right after this line repeats harmlessly.
            await workflows.ScheduleAsync(request, cancellationToken);
            await database.WriteAsync(session =>
            {
                var command = session.Command("DELETE FROM pending_merges WHERE instance_id = $id", "$id");
                command.Parameters[0].Value = id;
                return command.ExecuteNonQuery();
            }, cancellationToken);
        }

        return pending.Count;
    }
}
