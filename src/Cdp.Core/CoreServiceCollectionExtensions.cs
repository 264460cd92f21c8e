using System.Diagnostics.Metrics;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Processing;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Language;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers every rule of the platform. Hosts add the port implementations (AddCdpLocal, AddCdpAzure).</summary>
    public static IServiceCollection AddCdpCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<IdentityOptions>(configuration, IdentityOptions.SectionName);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        services.AddValidatedOptions<ProcessingOptions>(configuration, ProcessingOptions.SectionName);
        services.AddValidatedOptions<ProfileOptions>(configuration, ProfileOptions.SectionName);
        services.AddValidatedOptions<ConsentOptions>(configuration, ConsentOptions.SectionName);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ConsentOptions>, ConsentOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EventNormalizer>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<IngestEndpoint>();
        services.AddValidatedOptions<PublicUrlOptions>(configuration, PublicUrlOptions.SectionName);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PublicUrlOptions>, PublicUrlOptionsValidator>();
        services.AddSingleton<SourceSettingsEndpoint>();
        // Hosts with a queue depth to watch (the local outbox) register their own gate; Event Hubs throttles on send.
        services.TryAddSingleton<IIngestGate, OpenIngestGate>();
        services.AddSingleton<QueuedEventReader>();
        services.AddSingleton<IdentityHasher>();
        services.AddSingleton<IdentifierExtractor>();
        services.AddSingleton<TraitSurvivorship>();
        services.AddSingleton<IdentityGraph>();
        services.AddSingleton<ProfileUpdater>();
        services.AddSingleton<ProfileMerger>();
        services.AddSingleton<RawBatches>();
        services.AddSingleton<BatchResolver>();
        services.AddSingleton<IdentityLinker>();
        services.AddSingleton<ProfileWriter>();
        services.AddSingleton<EventProcessor>();
        services.TryAddSingleton(sp => new ProcessingMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<ProfileLookup>();
        services.AddSingleton<LiveProfiles>();
        services.AddSingleton<ConsentPolicy>();
        services.AddSingleton<ConsentRecorder>();
        services.AddSingleton<ConsentHistoryArchiver>();
        services.AddSingleton<ConsentService>();
        services.AddSingleton<ConsentEndpoint>();
        services.AddSingleton<ProfileEndpoint>();

        services.AddSegmentLanguage(configuration);
        services.AddMergeWorkflow();
        services.AddCdpSegments(configuration);
        services.AddDestinations(configuration);

        services.AddCdpPrivacy(configuration);
        return services;
    }

    /// <summary>Binds a section and validates it when the host starts, so a bad setting stops start-up naming itself.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<T>()
            .Bind(configuration.GetSection(sectionName), o => o.ErrorOnUnknownConfiguration = false)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
