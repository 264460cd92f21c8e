using System.Text;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdp.Bench;

/// <summary>Core wired as a host wires it (AddCdpCore), over the in-memory ports and workflow journal, with the real clock.</summary>
internal sealed class CoreRig : IDisposable
{
    public const string WriteKey = "wk_bench_0123456789";

    public static readonly string Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":"));

    private readonly ServiceProvider _provider;

    /// <param name="replacePorts">
    /// Swaps ports after the in-memory ones are registered (the Cosmos DB figure puts the adapters in; <c>--profiles
    /// none</c> the <see cref="NoProfileStore"/>).
    /// </param>
    public CoreRig(Action<IServiceCollection>? replacePorts = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Identity:Pepper"] = "bench-pepper-0123456789abcdef" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddCdpCore(configuration);
        services.AddCdpInMemoryPorts();
        replacePorts?.Invoke(services);
        services.AddSingleton<IWorkflowJournal, InMemoryWorkflowJournal>();
        services.AddJournaledWorkflowRuntime(configuration);
        _provider = services.BuildServiceProvider();
        Get<InMemorySourceDirectory>().Add(WriteKey, new Source("src-bench", "Benchmark"));
    }

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>What the HTTP route and the outbox consumer do for one /v1/batch body: accept (parse, validate, normalize), then process.</summary>
    public async Task<ProcessingSummary> IngestAsync(byte[] body, CancellationToken cancellationToken) =>
        await ProcessAsync(await AcceptAsync(body, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<SegmentEvent>> AcceptAsync(byte[] body, CancellationToken cancellationToken)
    {
        var result = await Get<EventIntake>().AcceptAsync(IngestRoute.Batch, Authorization, body, cancellationToken);
        if (result.Status != IntakeStatus.Accepted || result.Rejected.Count > 0)
        {
            throw new InvalidOperationException($"intake refused part of the event mix: {result.Error ?? result.Rejected[0].Reason}");
        }

        return result.Accepted;
    }

    /// <summary>Processes accepted events; merges they call for are left with the in-memory scheduler.</summary>
    public Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken) =>
        Get<EventProcessor>().ProcessAsync(events, Get<InMemoryMergeScheduler>(), cancellationToken);

    /// <summary>Profiles that are not merge tombstones.</summary>
    public async Task<int> CountLiveProfilesAsync(CancellationToken cancellationToken)
    {
        var store = Get<InMemoryProfileStore>();
        var live = 0;
        foreach (var id in store.Ids)
        {
            if ((await store.GetAsync(id, cancellationToken))?.Value.MergedInto is null)
            {
                live++;
            }
        }

        return live;
    }

    public void Dispose() => _provider.Dispose();
}
