using System.Collections.ObjectModel;
using System.Net;
using Cdp.Azure.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Tests.Contract;

/// <summary>
/// The real Cosmos DB account for the contract suite: <c>CDP_COSMOS_ENDPOINT</c>, <c>CDP_COSMOS_KEY</c> (optional:
/// without it DefaultAzureCredential signs in), <c>CDP_COSMOS_DATABASE</c> (default cdp-contract-tests).
/// With a key the database and containers are created as the infrastructure would; with Entra ID they must exist
/// already (data-plane roles cannot create them). Unset endpoint: nothing is done and the tests are skipped.
/// </summary>
public sealed class CosmosContractAccount : IAsyncLifetime
{
    private CosmosClient? _client;

    public CdpAzureOptions Options { get; } = new()
    {
        CosmosEndpoint = Environment.GetEnvironmentVariable(RequiresCosmosAttribute.EndpointVariable) is { Length: > 0 } endpoint ? new Uri(endpoint) : null,
        CosmosKey = Environment.GetEnvironmentVariable("CDP_COSMOS_KEY"),
        DatabaseName = Environment.GetEnvironmentVariable("CDP_COSMOS_DATABASE") is { Length: > 0 } database ? database : "cdp-contract-tests",
    };

    public Container Container(Func<CdpAzureOptions, string> name) =>
        (_client ?? throw new InvalidOperationException(RequiresCosmosAttribute.SkipReason)).GetContainer(Options.DatabaseName, name(Options));

    public async Task InitializeAsync()
    {
        if (Options.CosmosEndpoint is null)
        {
            return;
        }

        // The emulator on this machine speaks only the gateway protocol reliably.
        Options.CosmosGatewayMode = Options.CosmosEndpoint.IsLoopback;
        _client = CosmosClientFactory.Create(Options, new CdpCredential(Microsoft.Extensions.Options.Options.Create(Options)));
        if (string.IsNullOrWhiteSpace(Options.CosmosKey))
        {
            await EnsureExistsAsync();
            return;
        }

        Database database = await _client.CreateDatabaseIfNotExistsAsync(Options.DatabaseName);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(Options.ProfilesContainer, "/id"));
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(Options.IdentitiesContainer, "/id"));
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(Options.DedupContainer, "/id") { DefaultTimeToLive = -1 });
        var events = new ContainerProperties(Options.EventsContainer, "/profileId");
        events.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/timestamp", Order = CompositePathSortOrder.Descending },
            new() { Path = "/id", Order = CompositePathSortOrder.Descending },
        });
        await database.CreateContainerIfNotExistsAsync(events);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(Options.PrivacyContainer, "/id"));
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(Options.ExportLedgerContainer, "/profileId"));
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }

    private async Task EnsureExistsAsync()
    {
        foreach (var name in new[]
        {
            Options.ProfilesContainer, Options.IdentitiesContainer, Options.DedupContainer, Options.EventsContainer, Options.PrivacyContainer,
            Options.ExportLedgerContainer,
        })
        {
            try
            {
                await _client!.GetContainer(Options.DatabaseName, name).ReadContainerAsync();
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new InvalidOperationException(
                    $"Container {Options.DatabaseName}/{name} does not exist. With Entra ID sign-in it must be deployed first (infra/), or set CDP_COSMOS_KEY to let the tests create it.", e);
            }
        }
    }
}
