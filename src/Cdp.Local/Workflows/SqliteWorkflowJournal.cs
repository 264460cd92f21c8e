using System.Globalization;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Workflows;

/// <summary>
/// The workflow journal in its own SQLite file, <c>&lt;DataDirectory&gt;/workflows.db</c>, apart from the profile
/// database so long fan-outs never hold its write lock. Every method commits before it returns (WAL), so what a
/// killed process had recorded is there when the next one starts.
/// </summary>
public sealed class SqliteWorkflowJournal : IWorkflowJournal, IDisposable
{
    public const string FileName = "workflows.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS workflow_instances (
            instance_id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            input TEXT NOT NULL,
            output TEXT NULL,
            error TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_workflow_instances_status ON workflow_instances (status, created_at);
        CREATE TABLE IF NOT EXISTS workflow_episodes (
            instance_id TEXT NOT NULL,
            episode INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            PRIMARY KEY (instance_id, episode)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS workflow_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            activity TEXT NOT NULL,
            episode INTEGER NOT NULL,
            result TEXT NULL,
            error TEXT NULL,
            attempts INTEGER NOT NULL,
            UNIQUE (instance_id, sequence));
        """;

    private const string InstanceColumns = "name, instance_id, status, created_at, updated_at, output, error";

    private readonly string _connectionString;
    private readonly string _synchronousPragma;

    public SqliteWorkflowJournal(IOptions<LocalStoreOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.ResolveDataDirectory(), options.Value.Synchronous)
    {
    }

    public SqliteWorkflowJournal(string dataDirectory, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.Combine(dataDirectory, FileName);
        _synchronousPragma = synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL");
        Execute(connection, Schema);
    }

    public string FilePath { get; }

    public async Task<(WorkflowInstance Instance, bool Created)> CreateIfAbsentAsync(
        string workflowName, string instanceId, string inputJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        var created = await ExecuteAsync(
            connection,
            """
            INSERT INTO workflow_instances (instance_id, name, status, input, created_at, updated_at)
            VALUES ($id, $name, $status, $input, $now, $now)
            ON CONFLICT (instance_id) DO NOTHING
            """,
            cancellationToken,
            ("$id", instanceId), ("$name", workflowName), ("$status", nameof(WorkflowStatus.Pending)), ("$input", inputJson), ("$now", Text(now)));
        var instance = await ReadInstanceAsync(connection, instanceId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (instance!, created == 1);
    }

    public async Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        return await ReadInstanceAsync(connection, instanceId, cancellationToken);
    }

    public async Task<string> GetInputAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, "SELECT input FROM workflow_instances WHERE instance_id = $id", ("$id", instanceId));
        return await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException($"No workflow instance '{instanceId}'.");
    }

    public async Task<IReadOnlyList<string>> GetUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(
            connection,
            "SELECT instance_id FROM workflow_instances WHERE status IN ($pending, $running) ORDER BY created_at, rowid",
            ("$pending", nameof(WorkflowStatus.Pending)),
            ("$running", nameof(WorkflowStatus.Running)));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task<WorkflowHistory> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var snapshot = connection.BeginTransaction(deferred: true);
        var starts = new List<DateTimeOffset>();
        await using (var command = Command(connection, "SELECT started_at FROM workflow_episodes WHERE instance_id = $id ORDER BY episode", ("$id", instanceId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                starts.Add(ParseTime(reader.GetString(0)));
            }
        }

        var activities = new List<ActivityRecord>();
        await using (var command = Command(
            connection,
            "SELECT sequence, activity, episode, result, error, attempts FROM workflow_history WHERE instance_id = $id ORDER BY id",
            ("$id", instanceId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                activities.Add(new ActivityRecord(
                    reader.GetInt32(0),
                    reader.GetString(1),
                    reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5)));
            }
        }

        return new WorkflowHistory(starts, activities);
    }

    public async Task<int> StartEpisodeAsync(string instanceId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = Command(
            connection,
            """
            INSERT INTO workflow_episodes (instance_id, episode, started_at)
            SELECT $id, COALESCE(MAX(episode), 0) + 1, $at FROM workflow_episodes WHERE instance_id = $id
            RETURNING episode
            """,
            ("$id", instanceId),
            ("$at", Text(startedAt)));
        var episode = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await ExecuteAsync(
            connection,
            "UPDATE workflow_instances SET status = $running, updated_at = $at WHERE instance_id = $id AND status IN ($pending, $running)",
            cancellationToken,
            ("$id", instanceId), ("$at", Text(startedAt)), ("$pending", nameof(WorkflowStatus.Pending)), ("$running", nameof(WorkflowStatus.Running)));
        await transaction.CommitAsync(cancellationToken);
        return episode;
    }

    public async Task RecordActivityAsync(string instanceId, ActivityRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = Open();
        await ExecuteAsync(
            connection,
            """
            INSERT INTO workflow_history (instance_id, sequence, activity, episode, result, error, attempts)
            VALUES ($id, $sequence, $activity, $episode, $result, $error, $attempts)
            ON CONFLICT (instance_id, sequence) DO NOTHING
            """,
            cancellationToken,
            ("$id", instanceId), ("$sequence", record.Sequence), ("$activity", record.Name), ("$episode", record.Episode),
            ("$result", record.ResultJson), ("$error", record.Error), ("$attempts", record.Attempts));
    }

    public async Task FinishAsync(
        string instanceId, WorkflowStatus status, string? outputJson, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await ExecuteAsync(
            connection,
            "UPDATE workflow_instances SET status = $status, output = $output, error = $error, updated_at = $now WHERE instance_id = $id",
            cancellationToken,
            ("$id", instanceId), ("$status", status.ToString()), ("$output", outputJson), ("$error", error), ("$now", Text(now)));
    }

    /// <summary>Ids of finished (completed or failed) instances of the named workflows, oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetFinishedAsync(IReadOnlyCollection<string> workflowNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowNames);
        await using var connection = Open();
        var ids = new List<string>();
        foreach (var name in workflowNames)
        {
            await using var command = Command(
                connection,
                "SELECT instance_id FROM workflow_instances WHERE name = $name AND status IN ($completed, $failed) ORDER BY created_at, rowid",
                ("$name", name),
                ("$completed", nameof(WorkflowStatus.Completed)),
                ("$failed", nameof(WorkflowStatus.Failed)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        return ids;
    }

    /// <summary>
    /// Deletes a finished instance with its input, output, episodes and history (what Durable Functions' purge does).
    /// An unfinished instance is left alone: the runner still needs its history. Returns whether it was purged.
    /// </summary>
    public async Task<bool> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        var purged = await ExecuteAsync(
            connection,
            "DELETE FROM workflow_instances WHERE instance_id = $id AND status IN ($completed, $failed)",
            cancellationToken,
            ("$id", instanceId), ("$completed", nameof(WorkflowStatus.Completed)), ("$failed", nameof(WorkflowStatus.Failed)));
        if (purged == 1)
        {
            await ExecuteAsync(connection, "DELETE FROM workflow_history WHERE instance_id = $id", cancellationToken, ("$id", instanceId));
            await ExecuteAsync(connection, "DELETE FROM workflow_episodes WHERE instance_id = $id", cancellationToken, ("$id", instanceId));
        }

        await transaction.CommitAsync(cancellationToken);
        return purged == 1;
    }

    /// <summary>
    /// Copies the write-ahead log into <c>workflows.db</c> and truncates it, so purged rows do not survive as older
    /// frames in <c>workflows.db-wal</c>. Retries (bounded) while a reader holds an older snapshot; false if one still does.
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            bool done;
            await using (var connection = Open())
            {
                done = SqliteCheckpoint.Truncate(connection);
            }

            if (done || attempt >= SqliteCheckpoint.MaxAttempts)
            {
                return done;
            }

            await Task.Delay(SqliteCheckpoint.RetryDelay, cancellationToken);
        }
    }

    /// <summary>Closes the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, _synchronousPragma);

            // Purged history is zeroed, not left in free pages: erasure workflows purge theirs when done.
            Execute(connection, "PRAGMA secure_delete = ON");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static async Task<WorkflowInstance?> ReadInstanceAsync(SqliteConnection connection, string instanceId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {InstanceColumns} FROM workflow_instances WHERE instance_id = $id", ("$id", instanceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new WorkflowInstance(
            reader.GetString(0),
            reader.GetString(1),
            Enum.Parse<WorkflowStatus>(reader.GetString(2)),
            ParseTime(reader.GetString(3)),
            ParseTime(reader.GetString(4)),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL of this class; values travel as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
