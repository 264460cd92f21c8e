using Cdp.Core.Segments;

namespace Cdp.Local.Segments;

public static class LocalSegmentsServiceCollectionExtensions
{
    /// <summary>Core's segment storage ports on SQLite (tables of <see cref="SegmentsSchema"/>).</summary>
    public static IServiceCollection AddCdpLocalSegmentStorage(this IServiceCollection services)
    {
        services.AddSingleton(SegmentsSchema.Script);
        services.AddSingleton<ISegmentStore, SqliteSegmentStore>();
        services.AddSingleton<ISegmentMembers, SqliteSegmentMembers>();
        services.AddSingleton<IProfileScan, SqliteProfileScan>();
        services.AddSingleton<IRefreshWriteScope, SqliteRefreshWriteScope>();
        return services;
    }

    /// <summary>The scheduled refresh (<c>SegmentRefreshSchedule</c>) on the local workflow runner.</summary>
    public static IServiceCollection AddCdpLocalSegmentsHosting(this IServiceCollection services)
    {
        services.AddHostedService<SegmentRefreshScheduler>();
        return services;
    }
}
