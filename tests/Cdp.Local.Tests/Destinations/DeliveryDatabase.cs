using Cdp.Local.Destinations;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Destinations;

/// <summary>A scratch data directory whose database has the deliveries table (and the core tables).</summary>
internal sealed class DeliveryDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cdp-local-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    public SqliteDatabase Database => _database ??= Open();

    /// <summary>Closes the database and opens it again on the same directory, as a restarted host would.</summary>
    public SqliteDatabase Reopen()
    {
        _database?.Dispose();
        _database = Open();
        return _database;
    }

    public void Dispose()
    {
        _database?.Dispose();
        _database = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SqliteDatabase Open() => new(Options.Create(new LocalStoreOptions { DataDirectory = _directory }), [DeliverySchema.Script]);
}
