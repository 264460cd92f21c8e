using System.Text;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Tests.InMemory;
using Cdp.Tests.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>
/// The Functions app's own wiring (AddCdpCore, AddCdpFunctions) over the in-memory ports instead of Cosmos DB and Blob,
/// with a fake clock. Function classes are created as the worker creates them (constructor injection), so a test calls
/// a function method with a real <see cref="HttpRequest"/> and reads what the stores hold afterwards.
/// </summary>
internal sealed class FunctionsHarness : IDisposable
{
    public const string WriteKey = "wk_functions_test";
    public const string SourceId = "src-web";
    public const string Pepper = "functions-test-pepper-0123456789";

    public static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceCollection _services = new();
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Identity:Pepper"] = Pepper })
        .Build();

    private ServiceProvider? _provider;

    public FunctionsHarness()
    {
        _services.AddSingleton<TimeProvider>(Time);
        _services.AddSingleton<IConfiguration>(_configuration);
        _services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        _services.AddMetrics();
        _services.AddCdpCore(_configuration);
        _services.AddCdpInMemoryPorts();

        // The in-memory ports include a merge scheduler that only records; the app's own starts Durable orchestrations.
        _services.RemoveAll<Cdp.Core.Identity.IMergeScheduler>();
        _services.AddCdpFunctions();
    }

    /// <summary>A fake clock; anything that waits on it (retry back-off) jumps it forward instead of sleeping.</summary>
    public FakeTimeProvider Time { get; } = new JumpingTimeProvider(Start);

    public IServiceProvider Services => _provider ??= Build();

    public IConfigurationRoot Configuration => _configuration;

    public IServiceCollection ServiceCollection => _provider is null ? _services : throw new InvalidOperationException("configure the harness before first use");

    /// <summary>Sets a configuration value before first use (options bind when first resolved).</summary>
    public FunctionsHarness With(string key, string? value)
    {
        _configuration[key] = value;
        return this;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A function class as the worker makes it: a new instance per invocation, its dependencies from the container.</summary>
    public T Create<T>()
        where T : class => ActivatorUtilities.CreateInstance<T>(Services);

    public InMemoryProfileStore Profiles => Get<InMemoryProfileStore>();

    public InMemoryIdentityIndex Identities => Get<InMemoryIdentityIndex>();

    public InMemoryTimelineStore Timeline => Get<InMemoryTimelineStore>();

    public InMemoryEventQueue Queue => Get<InMemoryEventQueue>();

    public InMemoryRawEventArchive Archive => Get<InMemoryRawEventArchive>();

    public InMemoryPrivacyStatusNotifier Callbacks => Get<InMemoryPrivacyStatusNotifier>();

    public InMemoryDocumentArea Documents => Get<InMemoryDocumentArea>();

    /// <summary>Puts a wrapper in front of a port (before first use); the in-memory store stays reachable for assertions.</summary>
    public FunctionsHarness Decorate<TPort>(Func<TPort, TPort> wrap)
        where TPort : class
    {
        ArgumentNullException.ThrowIfNull(wrap);
        var inner = ServiceCollection.Last(d => d.ServiceType == typeof(TPort));
        _services.Replace(ServiceDescriptor.Singleton(sp => wrap((TPort)inner.ImplementationFactory!(sp))));
        return this;
    }

    /// <summary>Accepts one Segment call or batch (JSON) as the ingest route would, and returns the accepted events.</summary>
    public async Task<IReadOnlyList<SegmentEvent>> AcceptAsync(string json, IngestRoute route = IngestRoute.Batch)
    {
        var result = await Get<EventIntake>().AcceptAsync(route, Basic(WriteKey), System.Text.Encoding.UTF8.GetBytes(json), CancellationToken.None);
        Assert.True(result.Status == IntakeStatus.Accepted, result.Error);
        return result.Accepted;
    }

    /// <summary>Accepts and processes events as the Event Hubs function would (merges are recorded, not run); returns nothing.</summary>
    public async Task IngestAsync(string json)
    {
        var events = await AcceptAsync(json);
        await Get<EventProcessor>().ProcessAsync(events, new InMemoryMergeScheduler(), CancellationToken.None);
    }

    /// <summary>The live profile holding an identifier, following merges; null when none does.</summary>
    public async Task<Cdp.Core.Profiles.Profile?> FindProfileAsync(string type, string value)
    {
        var found = await Get<Cdp.Core.Profiles.ProfileLookup>().FindAsync(type, value, CancellationToken.None);
        return found.Profile;
    }

    public InMemoryDeadLetterArchive DeadLetters => Get<InMemoryDeadLetterArchive>();

    public static string Basic(string user, string password = "") =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    public void Dispose() => _provider?.Dispose();

    private ServiceProvider Build()
    {
        var provider = _services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        provider.GetRequiredService<InMemorySourceDirectory>().Add(WriteKey, new Source(SourceId, "Website"));
        return provider;
    }
}
