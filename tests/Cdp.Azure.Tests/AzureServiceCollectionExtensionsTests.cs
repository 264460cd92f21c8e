using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Cdp.Azure.Ingestion;
using Cdp.Core;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Processing;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Cdp.Azure.Tests;

public sealed class AzureServiceCollectionExtensionsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Cdp:Azure:CosmosEndpoint"] = "https://localhost:8081/",
        ["Cdp:Azure:CosmosKey"] = TestSettings.EmulatorKey,
        ["Cdp:Azure:BlobConnectionString"] = "UseDevelopmentStorage=true",
        ["EventHubConnection:fullyQualifiedNamespace"] = "cdp-test.servicebus.windows.net",
        ["Cdp:Identity:Pepper"] = "azure-registration-test-pepper",
    };

    [Fact]
    public async Task AddCdpAzure_EmulatorSettings_ResolvesEveryPortWithoutANetworkCall()
    {
        // Async disposal: the Event Hubs producer is only IAsyncDisposable, as in the Functions host.
        await using var services = Build(Valid);

        StartupValidator(services).Validate();
        Assert.NotNull(services.GetRequiredService<IProfileStore>());
        Assert.NotNull(services.GetRequiredService<ITimelineStore>());
        Assert.NotNull(services.GetRequiredService<IConsentArchive>());
        Assert.NotNull(services.GetRequiredService<IIdentityIndex>());
        Assert.NotNull(services.GetRequiredService<IDedupStore>());
        Assert.NotNull(services.GetRequiredService<IRawEventArchive>());
        Assert.NotNull(services.GetRequiredService<ISourceDirectory>());
        Assert.NotNull(services.GetRequiredService<IPrivacyRequestStore>());
        Assert.NotNull(services.GetRequiredService<ISuppressionList>());
        Assert.NotNull(services.GetRequiredService<IPrivacyAuditLog>());
        Assert.NotNull(services.GetRequiredService<IExportLedger>());
        Assert.NotNull(services.GetRequiredService<IDocumentArea>());
        Assert.NotNull(services.GetRequiredService<ISuppressionStatistics>());
        Assert.IsType<SignedStatusNotifier>(services.GetRequiredService<IPrivacyStatusNotifier>());
        Assert.IsType<EventHubEventQueue>(services.GetRequiredService<IEventQueue>());
        Assert.IsType<BlobDeadLetterArchive>(services.GetRequiredService<IDeadLetterArchive>());
        Assert.IsType<AzureTransientFaults>(services.GetRequiredService<ITransientFaults>());
    }

    [Fact]
    public async Task AddCdpAzure_EventHubNamespace_OneProducerForTheTriggersHub()
    {
        await using var services = Build(Valid);

        var producer = services.GetRequiredService<EventHubProducerClient>();
        Assert.Same(producer, services.GetRequiredService<EventHubProducerClient>());
        Assert.Equal("cdp-test.servicebus.windows.net", producer.FullyQualifiedNamespace);
        Assert.Equal(EventHub.Name, producer.EventHubName);
    }

    [Fact]
    public void AddCdpAzure_Defaults_UseTheDesignContainerNamesAndOneSharedClient()
    {
        using var services = Build(Valid);

        var options = services.GetRequiredService<IOptions<CdpAzureOptions>>().Value;
        Assert.Equal(
            ["cdp", "profiles", "identities", "events", "segments", "privacy", "dedup"],
            [options.DatabaseName, options.ProfilesContainer, options.IdentitiesContainer, options.EventsContainer, options.SegmentsContainer, options.PrivacyContainer, options.DedupContainer]);
        Assert.Equal("exports", options.ExportLedgerContainer);
        Assert.Equal(
            ["raw-events", "exports", "access-packages", "certificates", "dead-letters"],
            [options.RawEventsBlobContainer, options.ExportsBlobContainer, options.AccessPackagesBlobContainer, options.CertificatesBlobContainer, options.DeadLettersBlobContainer]);
        Assert.Same(services.GetRequiredService<CosmosClient>(), services.GetRequiredService<CosmosClient>());
        Assert.Equal("devstoreaccount1", services.GetRequiredService<BlobServiceClient>().AccountName);
    }

    [Fact]
    public async Task AddCdpAzure_ManagedIdentitySettings_BuildsClientsWithoutKeys()
    {
        await using var services = Build(new()
        {
            ["Cdp:Azure:CosmosEndpoint"] = "https://cdp-test.documents.azure.com:443/",
            ["Cdp:Azure:BlobServiceUri"] = "https://cdptest.blob.core.windows.net",
            ["Cdp:Azure:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
            ["EventHubConnection:fullyQualifiedNamespace"] = "cdp-test.servicebus.windows.net",
            ["EventHubConnection:credential"] = "managedidentity",
            ["EventHubConnection:clientId"] = "00000000-0000-0000-0000-000000000002",
            ["Cdp:Identity:Pepper"] = "azure-registration-test-pepper",
        });

        StartupValidator(services).Validate();
        Assert.Equal(new Uri("https://cdp-test.documents.azure.com:443/"), services.GetRequiredService<CosmosClient>().Endpoint);
        Assert.Equal("cdptest", services.GetRequiredService<BlobServiceClient>().AccountName);
        Assert.Equal("cdp-test.servicebus.windows.net", services.GetRequiredService<EventHubProducerClient>().FullyQualifiedNamespace);
    }

    [Theory]
    [InlineData("Cdp:Azure:CosmosEndpoint", null, "Cdp:Azure:CosmosEndpoint is required")]
    [InlineData("Cdp:Azure:BlobConnectionString", null, "Cdp:Azure:BlobServiceUri (e.g.")]
    [InlineData("Cdp:Azure:BlobServiceUri", "https://cdptest.blob.core.windows.net", "Set only one of Cdp:Azure:BlobServiceUri and Cdp:Azure:BlobConnectionString")]
    [InlineData("Cdp:Azure:RawEventsBlobContainer", "Raw_Events", "Cdp:Azure:RawEventsBlobContainer must be")]
    [InlineData("Cdp:Azure:DedupContainer", "events", "must name nine different Cosmos DB containers")]
    [InlineData("Cdp:Azure:ExportLedgerContainer", "privacy", "must name nine different Cosmos DB containers")]
    [InlineData("Cdp:Azure:CertificatesBlobContainer", "exports", "must name five different blob containers")]
    [InlineData("Cdp:Azure:DeadLettersBlobContainer", "raw-events", "must name five different blob containers")]
    [InlineData("Cdp:Azure:DeadLettersBlobContainer", "Dead_Letters", "Cdp:Azure:DeadLettersBlobContainer must be")]
    [InlineData("Cdp:Privacy:CallbackSecret", "too-short", "Cdp:Privacy:CallbackSecret must be at least 16 characters")]
    [InlineData("Cdp:Privacy:ProcessorDomain", "https://cdp.example.com/", "Cdp:Privacy:ProcessorDomain must be a host name")]
    [InlineData("Cdp:Privacy:CallbackAttempts", "0", "Cdp:Privacy:CallbackAttempts must be between 1 and 10")]
    [InlineData("Cdp:Azure:DatabaseName", "", "Cdp:Azure:DatabaseName")]
    [InlineData("EventHubConnection:fullyQualifiedNamespace", null, "EventHubConnection:fullyQualifiedNamespace (app setting EventHubConnection__fullyQualifiedNamespace) is required")]
    [InlineData("EventHubConnection:fullyQualifiedNamespace", "sb://cdp.servicebus.windows.net/", "EventHubConnection:fullyQualifiedNamespace must be a host name")]
    [InlineData("EventHubConnection", "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;", "Set only one of EventHubConnection:fullyQualifiedNamespace and the EventHubConnection connection string")]
    public void AddCdpAzure_BadSetting_FailsAtStartNamingTheSetting(string key, string? value, string message)
    {
        using var services = Build(new(Valid) { [key] = value });

        var thrown = Assert.ThrowsAny<OptionsValidationException>(() => StartupValidator(services).Validate());
        Assert.Contains(message, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCdpAzure_EventHubsEmulatorConnectionString_StartsAndPointsTheProducerAtIt()
    {
        // The Event Hubs emulator's documented connection string: a local try-out, never a setting in Azure.
        const string Emulator = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        await using var services = Build(new(Valid) { ["EventHubConnection:fullyQualifiedNamespace"] = null, ["EventHubConnection"] = Emulator });

        StartupValidator(services).Validate();
        var producer = services.GetRequiredService<global::Azure.Messaging.EventHubs.Producer.EventHubProducerClient>();
        Assert.Equal("localhost", producer.FullyQualifiedNamespace);
        Assert.Equal("events", producer.EventHubName);
    }

    [Fact]
    public void AddCdpAzure_WriteKeyPastedWhereItsHashBelongs_FailsAtStartNamingTheSetting()
    {
        using var services = Build(new(Valid) { ["Cdp:Sources:0:Id"] = "web", ["Cdp:Sources:0:WriteKeySha256"] = "my-secret-write-key" });

        var thrown = Assert.ThrowsAny<OptionsValidationException>(() => StartupValidator(services).Validate());
        Assert.Contains("Cdp:Sources:0:WriteKeySha256 must be the SHA-256 of the write key", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCdpAzure_SourceWithKeyHash_AcceptsThatWriteKey()
    {
        using var services = Build(new(Valid)
        {
            ["Cdp:Sources:0:Id"] = "web",
            ["Cdp:Sources:0:Name"] = "Website",
            ["Cdp:Sources:0:WriteKeySha256"] = ConfiguredSourceDirectory.HashOf("wk-web"),
        });

        StartupValidator(services).Validate();
        var source = await services.GetRequiredService<ISourceDirectory>().FindByWriteKeyAsync("wk-web", CancellationToken.None);
        Assert.Equal(new Source("web", "Website"), source);
    }

    [Fact]
    public async Task AddCdpAzure_SourceWithAllowedOrigins_BindsThemFromCdpSourcesKeys()
    {
        using var services = Build(new(Valid)
        {
            ["Cdp:Sources:0:Id"] = "web",
            ["Cdp:Sources:0:WriteKeySha256"] = ConfiguredSourceDirectory.HashOf("wk-web"),
            ["Cdp:Sources:0:AllowedOrigins:0"] = "https://shop.example",
        });

        StartupValidator(services).Validate();
        var source = await services.GetRequiredService<ISourceDirectory>().FindByWriteKeyAsync("wk-web", CancellationToken.None);
        Assert.Equal(["https://shop.example"], source!.AllowedOrigins);
    }

    [Fact]
    public void AddCdpCoreAndAzure_HostWithAWorkflowClient_EveryServiceResolvesAtStart()
    {
        // What the Functions host builds (it adds the Durable workflow client); with ValidateOnBuild a port Core
        // needs and nobody implements fails here instead of at the first request in Azure.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(Valid)
        {
            ["Cdp:Identity:Pepper"] = "a-test-pepper-of-enough-length",
        }).Build();
        var collection = WithLogging(new ServiceCollection().AddCdpCore(configuration).AddCdpAzure(configuration));
        collection.AddSingleton(Mock.Of<IWorkflowClient>());

        using var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        StartupValidator(services).Validate();
        Assert.NotNull(services.GetRequiredService<PrivacyRequests>());
        Assert.NotNull(services.GetRequiredService<EventProcessor>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // As the Functions app composes them: Core's rules (and its options, e.g. the callback settings) and the adapters.
        return WithLogging(new ServiceCollection().AddCdpCore(configuration).AddCdpAzure(configuration)).BuildServiceProvider();
    }

    /// <summary>Every host has logging; these tests stand in for one.</summary>
    private static IServiceCollection WithLogging(IServiceCollection services)
    {
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        return services;
    }

    private static IStartupValidator StartupValidator(IServiceProvider services) => services.GetRequiredService<IStartupValidator>();
}
