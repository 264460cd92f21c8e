using Cdp.Core.Segments.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments;

public static class SegmentsServiceCollectionExtensions
{
    /// <summary>
    /// Segment storage rules, membership, the refresh workflow and the segments API. The segment language registers
    /// <see cref="ISegmentCompiler"/>; destinations register <see cref="IDestinationDirectory"/> and
    /// <see cref="IAudienceActivation"/> (until then there are none, and nothing is sent). Hosts add
    /// <see cref="ISegmentStore"/>, <see cref="ISegmentMembers"/> and <see cref="IProfileScan"/>.
    /// </summary>
    public static IServiceCollection AddCdpSegments(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<SegmentCatalogOptions>(configuration, SegmentCatalogOptions.SectionName);
        services.AddOptions<SegmentRefreshSchedule>()
            .Configure(o => o.Expression = configuration[SegmentRefreshSchedule.SettingName] ?? SegmentRefreshSchedule.Default)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmentRefreshSchedule>, SegmentRefreshScheduleValidator>());

        services.TryAddSingleton<IDestinationDirectory, NoDestinations>();
        services.TryAddSingleton<IAudienceActivation, NoAudienceActivation>();
        services.TryAddSingleton<IRollupBackfill, TimelineRollupBackfill>();
        services.TryAddSingleton<IRefreshWriteScope, DirectRefreshWriteScope>();
        services.AddSingleton<SegmentMetrics>();
        services.AddSingleton<SegmentCatalog>();
        services.AddSingleton<IRollupPlanSource>(sp => sp.GetRequiredService<SegmentCatalog>());
        services.AddSingleton<MembershipEvaluator>();
        services.AddSingleton<MembershipSync>();
        services.AddSingleton<ProfileRefresher>();
        services.AddSingleton<SegmentDefinitions>();
        services.AddSingleton<SegmentPreview>();
        services.AddSingleton<SegmentRefreshStarter>();
        services.AddSingleton<SegmentEndpoint>();
        services.AddSegmentRefreshWorkflow();
        return services;
    }
}
