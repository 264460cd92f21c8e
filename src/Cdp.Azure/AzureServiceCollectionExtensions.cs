using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Cdp.Azure.Blobs;
using Cdp.Azure.Cosmos;
using Cdp.Azure.Destinations;
using Cdp.Azure.Identity;
using Cdp.Azure.Ingestion;
using Cdp.Azure.Privacy;
using Cdp.Azure.Profiles;
using Cdp.Azure.Segments;
using Cdp.Core;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cdp.Azure;

public static class AzureServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Cosmos DB, Blob Storage and Event Hubs implementations of the Core ports, their clients (one of
    /// each per process) and the configured sources. The event queue sends to Event Hubs and returns once the hub has
    /// acknowledged, so ingest answers 200 only for durable events. Hub messages that can never be processed go to the
    /// dead-letter blob container; Cosmos DB, Blob and Event Hubs failures worth waiting out are told apart for Core.
    /// </summary>
    public static IServiceCollection AddCdpAzure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<CdpAzureOptions>(configuration, CdpAzureOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdpAzureOptions>, CdpAzureOptionsValidator>());
        services.AddValidatedOptions<SourceDirectoryOptions>(configuration, SourceDirectoryOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SourceDirectoryOptions>, SourceDirectoryOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CdpCredential>();
        services.TryAddSingleton(sp => CosmosClientFactory.Create(Options(sp), sp.GetRequiredService<CdpCredential>()));
        services.TryAddSingleton(sp => BlobServiceClientFactory.Create(Options(sp), sp.GetRequiredService<CdpCredential>()));
        services.TryAddSingleton<CosmosContainers>();

        services.AddSingleton<IProfileStore>(sp => new CosmosProfileStore(sp.GetRequiredService<CosmosContainers>().Profiles));
        services.AddSingleton<ITimelineStore>(sp => new CosmosTimelineStore(sp.GetRequiredService<CosmosContainers>().Events));
        services.AddSingleton<IConsentArchive>(sp => new CosmosConsentArchive(sp.GetRequiredService<CosmosContainers>().Events));
        services.AddSingleton<IIdentityIndex>(sp => new CosmosIdentityIndex(sp.GetRequiredService<CosmosContainers>().Identities));
        services.AddSingleton<IDedupStore>(sp => new CosmosDedupStore(sp.GetRequiredService<CosmosContainers>().Dedup, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRawEventArchive>(sp => new BlobRawEventArchive(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).RawEventsBlobContainer)));
        services.AddSingleton<ISourceDirectory, ConfiguredSourceDirectory>();
        services.AddValidatedOptions<EventHubQueueOptions>(configuration, EventHubQueueOptions.SectionName);
        services.PostConfigure<EventHubQueueOptions>(o => o.ConnectionString ??= configuration[EventHubQueueOptions.SectionName]);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventHubQueueOptions>, EventHubQueueOptionsValidator>());
        services.TryAddSingleton(sp => EventHubProducerFactory.Create(
            sp.GetRequiredService<IOptions<EventHubQueueOptions>>().Value, Options(sp), sp.GetRequiredService<CdpCredential>()));
        services.AddSingleton<IEventQueue>(sp => new EventHubEventQueue(sp.GetRequiredService<EventHubProducerClient>()));
        services.AddSingleton<IDeadLetterArchive>(sp => new BlobDeadLetterArchive(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).DeadLettersBlobContainer)));
        services.AddSingleton<ITransientFaults, AzureTransientFaults>();
        AddPrivacy(services);
        AddSegments(services);
        services.AddSingleton<IDeliveryQueue>(sp => new CosmosDeliveryQueue(sp.GetRequiredService<CosmosContainers>().Deliveries));
        return services;
    }

    /// <summary>
    /// The privacy ports: requests, suppression and audit in <c>privacy</c>, the ledger in <c>exports</c>, files in Blob.
    /// Status callbacks are Core's (<see cref="SignedStatusNotifier"/>).
    /// </summary>
    private static void AddPrivacy(IServiceCollection services)
    {
        services.AddSingleton<IPrivacyRequestStore>(sp => new CosmosPrivacyRequestStore(sp.GetRequiredService<CosmosContainers>().Privacy));
        services.AddSingleton<ISuppressionList>(sp => new CosmosSuppressionList(sp.GetRequiredService<CosmosContainers>().Privacy));
        services.AddSingleton<ISuppressionStatistics>(sp => new CosmosSuppressionStatistics(sp.GetRequiredService<CosmosContainers>().Privacy));
        services.AddSingleton<IPrivacyAuditLog>(sp => new CosmosPrivacyAuditLog(sp.GetRequiredService<CosmosContainers>().Privacy));
        services.AddSingleton<IExportLedger>(sp => new CosmosExportLedger(sp.GetRequiredService<CosmosContainers>().ExportLedger));
        services.AddSingleton<IDocumentArea>(sp => BlobDocumentArea.From(sp.GetRequiredService<BlobServiceClient>(), Options(sp)));
    }

    /// <summary>Segments in <c>segments</c>, their members index in <c>segmentMembers</c>, the refresh's scan over <c>profiles</c>.</summary>
    private static void AddSegments(IServiceCollection services)
    {
        services.AddSingleton<ISegmentStore>(sp => new CosmosSegmentStore(sp.GetRequiredService<CosmosContainers>().Segments));
        services.AddSingleton<ISegmentMembers>(sp => new CosmosSegmentMembers(sp.GetRequiredService<CosmosContainers>().SegmentMembers));
        services.AddSingleton<IProfileScan>(sp => new CosmosProfileScan(sp.GetRequiredService<CosmosContainers>().Profiles));
    }

    private static CdpAzureOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<CdpAzureOptions>>().Value;
}
