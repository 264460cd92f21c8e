using Cdp.Core.Destinations;
using Cdp.Local.Destinations;
using Cdp.Local.Storage;
using Cdp.Tests.Contract;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Destinations;

public sealed class SqliteDeliveryQueueContractTests : DeliveryQueueContract, IDisposable
{
    private readonly DeliveryDatabase _scratch = new();

    protected override IDeliveryQueue CreateQueue() => new SqliteDeliveryQueue(_scratch.Database);

    public void Dispose() => _scratch.Dispose();
}

/// <summary>A scratch data directory whose database has the deliveries table (and the core tables).</summary>
internal sealed class DeliveryDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cdp-local-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    public SqliteDatabase Database => _database ??= new(Options.Create(new LocalStoreOptions { DataDirectory = _directory }), [DeliverySchema.Script]);

    public void Dispose()
    {
        _database?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
