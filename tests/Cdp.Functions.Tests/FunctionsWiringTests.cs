using Cdp.Azure;
using Cdp.Core;
using Cdp.Core.Ingestion;
using Cdp.Functions.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cdp.Functions.Tests;

/// <summary>Program's chain (AddCdpCore, AddCdpAzure, AddCdpFunctions) over Azure settings, without a network call.</summary>
public sealed class FunctionsWiringTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Cdp:Identity:Pepper"] = "a-test-pepper-of-enough-length",
        ["Cdp:Azure:CosmosEndpoint"] = "https://cdp-test.documents.azure.com:443/",
        ["Cdp:Azure:BlobServiceUri"] = "https://cdptest.blob.core.windows.net",
        ["EventHubConnection:fullyQualifiedNamespace"] = "cdp-test.servicebus.windows.net",
    };

    [Fact]
    public async Task AddCdpFunctions_OverTheAzureAdapters_EveryTriggerDependencyResolvesAtStart()
    {
        await using var services = Build(Settings);

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(ActivatorUtilities.CreateInstance<IngestFunction>(services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<ProcessEventsFunction>(services));
        Assert.Equal("AzureTransientFaults", services.GetRequiredService<ITransientFaults>().GetType().Name);
        Assert.Equal("BlobDeadLetterArchive", services.GetRequiredService<IDeadLetterArchive>().GetType().Name);
    }

    [Fact]
    public async Task AddCdpFunctions_BadHubRetrySetting_FailsAtStartNamingIt()
    {
        await using var services = Build(new(Settings) { ["Cdp:Processing:HubRetry:MaxAttempts"] = "50" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Cdp:Processing:HubRetry:MaxAttempts must be between 1 and 20", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddMetrics();
        services.AddCdpCore(configuration).AddCdpAzure(configuration).AddCdpFunctions();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
