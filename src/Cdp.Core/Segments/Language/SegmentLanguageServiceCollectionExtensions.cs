using Cdp.Core.Segments.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Segments.Language;

public static class SegmentLanguageServiceCollectionExtensions
{
    /// <summary>
    /// The segment language (parser, <see cref="ISegmentCompiler"/>) and rollups on ingest. The rollup plan comes from
    /// the segment catalog (<c>AddCdpSegments</c>), the one <see cref="IRollupPlanSource"/>.
    /// </summary>
    public static IServiceCollection AddSegmentLanguage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SegmentOptions>(configuration, SegmentOptions.SectionName);
        services.AddSingleton<SegmentDefinitionParser>();
        services.AddSingleton<ISegmentCompiler, SegmentCompiler>();
        services.AddSingleton<RollupRecorder>();
        return services;
    }
}
