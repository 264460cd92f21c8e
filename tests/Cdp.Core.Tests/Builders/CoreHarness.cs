using Cdp.Core.Events;
using Cdp.Core.Processing;
using Cdp.Tests.Time;
using System.Text;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.Builders;

/// <summary>
/// Core as a host wires it (AddCdpCore) over the in-memory ports and a fake clock. Tests put a faulty port in
/// front of a store through <see cref="Decorate{TPort}"/> before first use.
/// </summary>
internal sealed class CoreHarness : IDisposable
{
    public const string WriteKey = "wk_live_test";
    public const string SourceId = "src-web";

    private readonly ServiceCollection _services = new();
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Identity:Pepper"] = TestOptions.Pepper })
        .Build();

    private ServiceProvider? _provider;

    public CoreHarness()
    {
        _services.AddSingleton<TimeProvider>(Time);
        _services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        _services.AddCdpCore(_configuration);
        _services.AddCdpInMemoryPorts();
        _services.AddSingleton<IWorkflowJournal, InMemoryWorkflowJournal>();
        _services.AddJournaledWorkflowRuntime(_configuration);
    }

    /// <summary>A fake clock; workflow retry back-off jumps it forward instead of waiting.</summary>
    public FakeTimeProvider Time { get; } = new JumpingTimeProvider(TestOptions.Now);

    public IServiceProvider Services => _provider ??= Build();

    public InMemoryProfileStore Profiles => Services.GetRequiredService<InMemoryProfileStore>();

    public InMemoryTimelineStore Timeline => Services.GetRequiredService<InMemoryTimelineStore>();

    public InMemoryIdentityIndex Identities => Services.GetRequiredService<InMemoryIdentityIndex>();

    public InMemoryDedupStore Dedup => Services.GetRequiredService<InMemoryDedupStore>();

    public InMemoryRawEventArchive Archive => Services.GetRequiredService<InMemoryRawEventArchive>();

    public InMemoryMergeScheduler Merges => Services.GetRequiredService<InMemoryMergeScheduler>();

    public InMemorySourceDirectory Sources => Services.GetRequiredService<InMemorySourceDirectory>();

    public EventIntake Intake => Services.GetRequiredService<EventIntake>();

    public EventProcessor Processor => Services.GetRequiredService<EventProcessor>();

    public IdentifierExtractor Extractor => Services.GetRequiredService<IdentifierExtractor>();

    public IdentityHasher Hasher => Services.GetRequiredService<IdentityHasher>();

    public static string Basic(string user, string password = "") =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    /// <summary>Sets a configuration value (e.g. "Cdp:Identity:DefaultPhoneRegion"); only before first use.</summary>
    public CoreHarness With(string key, string? value)
    {
        EnsureNotBuilt();
        // Options bind when first resolved, so a value set now is still seen.
        _configuration[key] = value;
        return this;
    }

    /// <summary>Changes bound options after configuration (e.g. a list the binder would only append to).</summary>
    public CoreHarness Configure<TOptions>(Action<TOptions> configure)
        where TOptions : class
    {
        EnsureNotBuilt();
        _services.PostConfigure(configure);
        return this;
    }

    /// <summary>Adds services only some tests need (e.g. an extra port implementation); only before first use.</summary>
    public CoreHarness WithServices(Action<IServiceCollection> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        EnsureNotBuilt();
        register(_services);
        return this;
    }

    /// <summary>Puts a wrapper in front of a port; the in-memory store stays reachable for assertions.</summary>
    public CoreHarness Decorate<TPort>(Func<TPort, TPort> wrap)
        where TPort : class
    {
        EnsureNotBuilt();
        var inner = _services.Last(d => d.ServiceType == typeof(TPort));
        _services.Replace(ServiceDescriptor.Singleton(sp => wrap((TPort)inner.ImplementationFactory!(sp))));
        return this;
    }

    // ---- Intake ----

    public Task<IntakeResult> BatchAsync(BatchBuilder batch, string? authorization = null) =>
        SendAsync(IngestRoute.Batch, batch.ToBytes(), authorization ?? Basic(WriteKey));

    public Task<IntakeResult> SendAsync(IngestRoute route, EventBuilder e, string? authorization = null) =>
        SendAsync(route, e.ToBytes(), authorization ?? Basic(WriteKey));

    public Task<IntakeResult> SendAsync(IngestRoute route, byte[] body, string? authorization) =>
        Intake.AcceptAsync(route, authorization, body, CancellationToken.None);

    // ---- Processing ----

    /// <summary>The events as intake would queue them, received now.</summary>
    public List<SegmentEvent> Queue(params EventBuilder[] events) =>
        events.Select(e => e.ToQueued(Time.GetUtcNow(), SourceId)).ToList();

    public Task<ProcessingSummary> ProcessAsync(params EventBuilder[] events) => ProcessAsync(Queue(events));

    /// <summary>Processes events as if they came from <paramref name="sourceId"/> (survivorship by source).</summary>
    public Task<ProcessingSummary> ProcessFromAsync(string sourceId, params EventBuilder[] events) =>
        ProcessAsync(events.Select(e => e.ToQueued(Time.GetUtcNow(), sourceId)).ToList());

    public Task<ProcessingSummary> ProcessAsync(IReadOnlyList<SegmentEvent> events) =>
        Processor.ProcessAsync(events, Merges, CancellationToken.None);

    /// <summary>The live profile an identifier links to, following merge tombstones; null when none.</summary>
    public async Task<Profile?> FindProfileAsync(string type, string value)
    {
        var link = await Identities.GetAsync(Hasher.IdentityId(new Identifier(type, value)), CancellationToken.None);
        return link is null ? null : await GetLiveAsync(link.Value.Value.ProfileId);
    }

    public async Task<Profile> ProfileAsync(string type, string value) =>
        await FindProfileAsync(type, value) ?? throw new InvalidOperationException($"no profile is linked to that {type}");

    /// <summary>The raw archive files listed beside the timeline of the live profile an identifier links to.</summary>
    public async Task<IReadOnlyList<string>> RawBlobsAsync(string type, string value) =>
        await Timeline.ListRawBlobsAsync((await ProfileAsync(type, value)).Id, CancellationToken.None);

    /// <summary>Live (not merged-away) profiles.</summary>
    public async Task<IReadOnlyList<Profile>> LiveProfilesAsync()
    {
        var all = new List<Profile>();
        foreach (var id in Profiles.Ids)
        {
            if ((await Profiles.GetAsync(id, CancellationToken.None))?.Value is { MergedInto: null } profile)
            {
                all.Add(profile);
            }
        }

        return all;
    }

    /// <summary>Runs every merge requested so far (and any the merges lead to) to its end, as the host's workflow runner would.</summary>
    public async Task<IReadOnlyList<WorkflowInstance>> RunMergesAsync()
    {
        var client = Services.GetRequiredService<IWorkflowClient>();
        var runner = Services.GetRequiredService<WorkflowRunner>();
        var done = new List<WorkflowInstance>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var request in Merges.TakeAll())
        {
            await client.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request, deadline.Token);
            await runner.RunAsync(request.InstanceId, deadline.Token);
            done.Add((await client.GetAsync(request.InstanceId, deadline.Token))!);
        }

        return done;
    }

    public void Dispose() => _provider?.Dispose();

    private async Task<Profile?> GetLiveAsync(string id)
    {
        var profile = (await Profiles.GetAsync(id, CancellationToken.None))?.Value;
        for (var hops = 0; profile?.MergedInto is { } next && hops < 16; hops++)
        {
            profile = (await Profiles.GetAsync(next, CancellationToken.None))?.Value;
        }

        return profile;
    }

    private ServiceProvider Build()
    {
        var provider = _services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        provider.GetRequiredService<InMemorySourceDirectory>().Add(WriteKey, new Source(SourceId, "Website"));
        return provider;
    }

    private void EnsureNotBuilt()
    {
        if (_provider is not null)
        {
            throw new InvalidOperationException("configure the harness before first use");
        }
    }
}
