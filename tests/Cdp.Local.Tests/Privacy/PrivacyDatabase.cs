using Cdp.Local.Privacy;
using Cdp.Local.Storage;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Privacy;

/// <summary>A data directory with <c>cdp.db</c> holding the privacy tables, reopened as a restarted host would.</summary>
internal sealed class PrivacyDatabase : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public PrivacyDatabase() => Database = Open();

    public LocalStoreOptions Options => new() { DataDirectory = _data.Path };

    public string DataDirectory => _data.Path;

    public SqliteDatabase Database { get; private set; }

    public SqliteDatabase Reopen()
    {
        Database.Dispose();
        Database = Open();
        return Database;
    }

    public void Dispose()
    {
        Database.Dispose();
        _data.Dispose();
    }

    private SqliteDatabase Open() => new(Microsoft.Extensions.Options.Options.Create(Options), [PrivacySchema.Script]);
}
