using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Storage;

/// <summary>A fresh data directory under the temp folder and the database in it, removed again on Dispose.</summary>
internal sealed class ScratchDatabase : IDisposable
{
    private readonly SqliteSchemaScript[] _scripts;
    private SqliteDatabase? _database;

    /// <param name="scripts">Tables beyond the core schema that the test's store needs (as the host registers them).</param>
    public ScratchDatabase(SqliteSynchronous synchronous = SqliteSynchronous.Full, params SqliteSchemaScript[] scripts)
    {
        _scripts = scripts;
        Options = new LocalStoreOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "cdp-local-tests", Guid.NewGuid().ToString("N")),
            Synchronous = synchronous,
        };
    }

    public LocalStoreOptions Options { get; }

    public string DataDirectory => Options.DataDirectory;

    /// <summary>Opened on first use, as the host opens it at start-up.</summary>
    public SqliteDatabase Database => _database ??= Open();

    /// <summary>Closes the database and opens it again on the same directory, as a restarted host would.</summary>
    public SqliteDatabase Reopen()
    {
        _database?.Dispose();
        _database = Open();
        return _database;
    }

    public void Close()
    {
        _database?.Dispose();
        _database = null;
    }

    public void Dispose()
    {
        Close();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private SqliteDatabase Open() => new(Microsoft.Extensions.Options.Options.Create(Options), _scripts);
}
