using Cdp.Core.Segments.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core.Segments.Language;

public static class SegmentLanguageServiceCollectionExtensions
{
    /// <summary>
    /// The segment language (parser, <see cref="ISegmentCompiler"/>) and rollups on ingest. The rollup plan defaults to
    /// plain counts (<see cref="DefaultRollupPlanSource"/>) until the segment catalog registers itself as the
    /// <see cref="IRollupPlanSource"/>, which it may do before or after this call.
    /// </summary>
    public static IServiceCollection AddSegmentLanguage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SegmentOptions>(configuration, SegmentOptions.SectionName);
        services.AddSingleton<SegmentDefinitionParser>();
        services.AddSingleton<ISegmentCompiler, SegmentCompiler>();
        services.AddSingleton<RollupRecorder>();
        services.TryAddSingleton<IRollupPlanSource, DefaultRollupPlanSource>();
        return services;
    }
}
