using System.Globalization;
using Cdp.Core.Events;
using Cdp.Core.Processing;
using Cdp.Local;
using Cdp.Local.Identity;
using Cdp.Local.Ingestion;
using Cdp.Local.Storage;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Bench;

/// <summary>What the raw archive of a world holds.</summary>
internal readonly record struct ArchiveSize(int Files, long Events, long Bytes)
{
    /// <summary>Events in one NDJSON file: its lines.</summary>
    public static long LinesIn(ReadOnlySpan<byte> ndjson) =>
        ndjson.Count((byte)'\n') + (ndjson.Length > 0 && ndjson[^1] != (byte)'\n' ? 1 : 0);
}

/// <summary>Core with one set of stores behind its ports: a world the erasure benchmark fills, then erases subjects from.</summary>
internal interface IErasureStores : IAsyncDisposable
{
    /// <summary>Which stores, for the report.</summary>
    string Name { get; }

    /// <summary>Processes one accepted batch as the host's consumer does.</summary>
    Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken);

    Task<ArchiveSize> MeasureArchiveAsync(CancellationToken cancellationToken);

    /// <summary>More about the stores' size than the archive says, or null.</summary>
    string? Describe();

    T Get<T>()
        where T : notnull;
}

/// <summary>Core over the in-memory ports and workflow journal the tests use (<see cref="CoreRig"/>).</summary>
internal sealed class MemoryErasureStores : IErasureStores
{
    private readonly CoreRig _rig = new();

    public string Name => "in-memory ports";

    public Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken) =>
        _rig.ProcessAsync(events, cancellationToken);

    public async Task<ArchiveSize> MeasureArchiveAsync(CancellationToken cancellationToken)
    {
        var archive = _rig.Get<InMemoryRawEventArchive>();
        int files = 0;
        long events = 0, bytes = 0;
        foreach (var path in archive.Paths)
        {
            var content = (await archive.ReadAsync(path, cancellationToken))!;
            files++;
            bytes += content.Length;
            events += ArchiveSize.LinesIn(content);
        }

        return new ArchiveSize(files, events, bytes);
    }

    public string? Describe() => null;

    public T Get<T>()
        where T : notnull => _rig.Get<T>();

    public ValueTask DisposeAsync()
    {
        _rig.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The embedded host's own stores, built in process as the host builds them (<c>AddCdpLocalServices</c>, without the
/// hosted services): SQLite in a fresh data directory, the raw archive as files, the SQLite workflow journal with its
/// privacy scrubbing. Batches are processed in one transaction each, as the outbox processor does.
/// </summary>
internal sealed class LocalErasureStores : IErasureStores
{
    private readonly ServiceProvider _provider;

    private LocalErasureStores(ServiceProvider provider, string dataDirectory)
    {
        _provider = provider;
        DataDirectory = dataDirectory;
    }

    public string Name => "SQLite (Cdp.Local stores, in process)";

    public string DataDirectory { get; }

    /// <param name="settings">Extra settings as <c>key=value</c> (e.g. Cdp:Local:Synchronous=Normal).</param>
    /// <param name="replacePorts">Swaps the host's ports after they are registered (<c>--profiles none</c>).</param>
    public static LocalErasureStores Create(IReadOnlyList<string> settings, Action<IServiceCollection>? replacePorts = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cdp-bench-erasure-" + Guid.NewGuid().ToString("N")[..12]);
        var values = new Dictionary<string, string?>
        {
            ["Cdp:Local:DataDirectory"] = dataDirectory,
            ["Cdp:Identity:Pepper"] = "bench-pepper-0123456789abcdef",
        };
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            values[setting[..equals]] = setting[(equals + 1)..];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);

        // No logging provider: the host's information logs would cost more than some of the steps measured.
        services.AddLogging();
        services.AddCdpLocalServices(configuration);
        replacePorts?.Invoke(services);
        return new LocalErasureStores(services.BuildServiceProvider(), dataDirectory);
    }

    public async Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ProcessingSummary? summary = null;
        await Get<SqliteDatabase>().RunInTransactionAsync(
            async () => summary = await Get<EventProcessor>().ProcessAsync(events, Get<PendingMerges>(), cancellationToken),
            cancellationToken);
        return summary!;
    }

    public async Task<ArchiveSize> MeasureArchiveAsync(CancellationToken cancellationToken)
    {
        int files = 0;
        long events = 0, bytes = 0;
        foreach (var path in Directory.EnumerateFiles(Get<FileRawEventArchive>().Root, "*.ndjson", SearchOption.AllDirectories))
        {
            var content = await File.ReadAllBytesAsync(path, cancellationToken);
            files++;
            bytes += content.Length;
            events += ArchiveSize.LinesIn(content);
        }

        return new ArchiveSize(files, events, bytes);
    }

    public string? Describe()
    {
        var database = new FileInfo(Get<SqliteDatabase>().FilePath);
        return string.Create(CultureInfo.InvariantCulture, $"{database.Name} {database.Length / 1024.0 / 1024.0:N0} MB");
    }

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        for (var attempt = 1; attempt <= 3 && Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 3)
            {
                await Task.Delay(500);
            }
        }
    }
}
