using System.Text.Json.Serialization;
using Cdp.Core;
using Cdp.Core.Identity;
using Cdp.Local.Authorization;
using Cdp.Local.Destinations;
using Cdp.Local.Identity;
using Cdp.Local.Import;
using Cdp.Local.Ingestion;
using Cdp.Local.Privacy;
using Cdp.Local.Segments;
using Cdp.Local.Workflows;
using Microsoft.Extensions.Options;

namespace Cdp.Local;

public static class LocalHostDefaults
{
    /// <summary>Where the host listens when no --urls, ASPNETCORE_URLS or Urls setting says otherwise: loopback only.</summary>
    public const string Url = "http://127.0.0.1:7071";

    /// <summary>True when neither --urls, ASPNETCORE_URLS, Urls nor ASPNETCORE_HTTP(S)_PORTS chose where to listen.</summary>
    public static bool HasNoListenAddress(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]);
    }

    /// <summary>The variable that makes .NET's file providers poll the files they watch instead of using inotify.</summary>
    public const string PollingFileWatcherVariable = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>
    /// Makes appsettings.json reloads poll (every 4 s) unless the variable is already set. The default data directory
    /// sits under the content root, and the inotify watcher watches that root recursively: every database and archive
    /// write would wake it, which cost about a fifth of end-to-end ingest throughput. Call before the builder is made.
    /// </summary>
    public static void PreferPollingFileWatcher()
    {
        if (Environment.GetEnvironmentVariable(PollingFileWatcherVariable) is null)
        {
            Environment.SetEnvironmentVariable(PollingFileWatcherVariable, "true");
        }
    }
}

public static class LocalHostServiceCollectionExtensions
{
    /// <summary>The embedded host: Core, SQLite storage, the outbox processor and the default source.</summary>
    public static IServiceCollection AddCdpLocal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCdpLocalServices(configuration);
        services.AddSingleton<DefaultSourceAnnouncer>();
        services.AddHostedService(sp => sp.GetRequiredService<DefaultSourceAnnouncer>());
        services.AddCdpLocalAuthorization(configuration);
        services.AddHostedService<OutboxProcessor>();
        services.AddCdpLocalPrivacyHosting();
        services.AddCdpLocalSegmentsHosting();
        services.AddCdpLocalDestinationsHosting();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, LocalJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, CdpJsonContext.Default);
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return services;
    }

    /// <summary>Everything but the hosted services: what the import command needs to run against the same data directory.</summary>
    public static IServiceCollection AddCdpLocalServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCdpCore(configuration);
        services.AddCdpLocalStorage(configuration);
        services.AddValidatedOptions<LocalProcessingOptions>(configuration, LocalProcessingOptions.SectionName);
        services.AddValidatedOptions<DefaultSourceOptions>(configuration, DefaultSourceOptions.SectionName);
        services.AddSingleton<IValidateOptions<DefaultSourceOptions>, DefaultSourceOptionsValidator>();
        services.AddValidatedOptions<LocalIngestionOptions>(configuration, LocalIngestionOptions.SectionName);
        services.AddSingleton<Cdp.Core.Ingestion.IIngestGate, OutboxIngestGate>();
        services.AddSingleton<IPostConfigureOptions<IdentityOptions>, PepperFile>();
        services.AddSingleton<DefaultSource>();
        services.AddSingleton<FileImporter>();
        // Merges run on the local journaled workflow runner, which resumes unfinished ones at start-up.
        services.AddCdpLocalWorkflows(configuration);
        services.AddCdpLocalPrivacy(configuration);
        services.AddCdpLocalDestinations();
        services.AddSingleton<WorkflowMergeScheduler>();
        services.AddSingleton(PendingMerges.Schema);
        services.AddSingleton<PendingMerges>();
        services.AddSingleton<IMergeScheduler>(sp => sp.GetRequiredService<PendingMerges>());
        return services;
    }
}
