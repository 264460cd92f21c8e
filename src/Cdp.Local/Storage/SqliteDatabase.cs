using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Storage;

/// <summary>
/// The embedded host's database, <c>&lt;DataDirectory&gt;/cdp.db</c>. SQLite allows one writer at a time, so there
/// is one write connection behind an async lock, plus a small pool of read connections that WAL lets run
/// beside it. <see cref="RunInTransactionAsync"/> opens an ambient transaction: every store call made inside it
/// (reads too) uses the write connection and commits or rolls back with it.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    public const string FileName = "cdp.db";
    private const int MaxIdleReaders = 8;
    private const int BusyTimeoutSeconds = 30;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly AsyncLocal<AmbientTransaction?> _ambient = new();
    private readonly ConcurrentBag<SqliteSession> _idleReaders = [];
    private readonly SqliteSession _writer;
    private readonly string _readConnectionString;
    private volatile bool _disposed;

    public SqliteDatabase(IOptions<LocalStoreOptions> options, IEnumerable<SqliteSchemaScript> schemaScripts)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schemaScripts);
        var settings = options.Value;
        DataDirectory = settings.ResolveDataDirectory();
        Directory.CreateDirectory(DataDirectory);
        FilePath = Path.Combine(DataDirectory, FileName);

        // Pooling is off: this class keeps its connections open itself and closes them on Dispose.
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        };
        _writer = Open(builder.ToString(), cacheKibibytes: 64 * 1024);
        try
        {
            _writer.Execute("PRAGMA journal_mode = WAL");

            // Checkpoint every ~40 MB of WAL instead of every 4 MB: a page rewritten by many batches in between
            // (index pages, busy profiles) is copied to the database file once, not once per batch.
            _writer.Execute("PRAGMA wal_autocheckpoint = 10000");
            _writer.Execute(settings.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            SqliteSchema.Apply(_writer, schemaScripts);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        builder.Mode = SqliteOpenMode.ReadOnly;
        _readConnectionString = builder.ToString();
    }

    /// <summary>The absolute data directory (it holds the database file and the raw-event archive).</summary>
    public string DataDirectory { get; }

    public string FilePath { get; }

    /// <summary>True when the calling flow runs inside <see cref="RunInTransactionAsync"/>.</summary>
    public bool InTransaction => Active() is not null;

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on the write connection: every store call it makes sees its own
    /// writes, and all of them commit together when it completes, or none when it throws. Nested calls join the outer one.
    /// </summary>
    public async Task RunInTransactionAsync(Func<Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Active() is not null)
        {
            await work();
            return;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken);
        var scope = new AmbientTransaction(_writer);
        try
        {
            using var transaction = _writer.Connection.BeginTransaction();
            _writer.Transaction = transaction;
            _ambient.Value = scope;
            await work();

            // Closed before the commit, so a task that escaped the work cannot write into a finished transaction.
            scope.Close();
            transaction.Commit();
        }
        finally
        {
            scope.Close();
            _ambient.Value = null;
            _writer.Transaction = null;
            _writeLock.Release();
        }
    }

    /// <summary>Runs a read on the ambient transaction if there is one, else on a pooled read connection.</summary>
    public T Read<T>(Func<SqliteSession, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (Active() is { } scope)
        {
            return scope.Session.Run(read);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idleReaders.TryTake(out var session))
        {
            session = Open(_readConnectionString, cacheKibibytes: 16 * 1024);
        }

        try
        {
            return session.Run(read);
        }
        finally
        {
            if (_disposed || _idleReaders.Count >= MaxIdleReaders)
            {
                session.Dispose();
            }
            else
            {
                _idleReaders.Add(session);
            }
        }
    }

    /// <summary>
    /// Runs a write inside the ambient transaction if there is one; otherwise takes the write lock and commits
    /// <paramref name="write"/> as one transaction of its own before returning.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteSession, T> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (Active() is { } scope)
        {
            return scope.Session.Run(write);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _writer.Connection.BeginTransaction();
            _writer.Transaction = transaction;
            var result = _writer.Run(write);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writer.Transaction = null;
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Copies the write-ahead log into the database file and truncates it to zero bytes, so pages an erasure
    /// overwrote no longer survive as older frames in <c>cdp.db-wal</c>. Waits (bounded) for readers on older
    /// snapshots; returns false if some still held the log when the attempts ran out.
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            await _writeLock.WaitAsync(cancellationToken);
            bool done;
            try
            {
                done = _writer.Run(SqliteCheckpoint.Truncate);
            }
            finally
            {
                _writeLock.Release();
            }

            if (done || attempt >= SqliteCheckpoint.MaxAttempts)
            {
                return done;
            }

            await Task.Delay(SqliteCheckpoint.RetryDelay, cancellationToken);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writeLock.Wait();
        try
        {
            _writer.Dispose();
            while (_idleReaders.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private AmbientTransaction? Active() => _ambient.Value is { IsOpen: true } scope ? scope : null;

    private static SqliteSession Open(string connectionString, int cacheKibibytes)
    {
        var connection = new SqliteConnection(connectionString);
        var session = new SqliteSession(connection);
        try
        {
            connection.Open();
            session.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}"));
            session.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{cacheKibibytes}"));

            // Deleted and overwritten rows are zeroed, not left in free space: an erased subject leaves no bytes in the file.
            session.Execute("PRAGMA secure_delete = ON");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The transaction a flow runs in; closed when it ends, so flows that outlive it stop using it.</summary>
    private sealed class AmbientTransaction(SqliteSession session)
    {
        private volatile bool _open = true;

        public SqliteSession Session { get; } = session;

        public bool IsOpen => _open;

        public void Close() => _open = false;
    }
}
