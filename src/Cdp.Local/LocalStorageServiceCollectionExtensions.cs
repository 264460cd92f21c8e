using Cdp.Core;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Local.Identity;
using Cdp.Local.Ingestion;
using Cdp.Local.Privacy;
using Cdp.Local.Profiles;
using Cdp.Local.Segments;
using Cdp.Local.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Local;

public static class LocalStorageServiceCollectionExtensions
{
    /// <summary>The Core storage ports on SQLite and the local file system, plus the outbox and the local source admin.</summary>
    public static IServiceCollection AddCdpLocalStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<LocalStoreOptions>(configuration, LocalStoreOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IProfileStore, SqliteProfileStore>();
        services.AddSingleton<ITimelineStore, SqliteTimelineStore>();
        services.AddSingleton(SqliteConsentArchive.Schema);
        services.AddSingleton<IConsentArchive, SqliteConsentArchive>();
        services.AddSingleton<IIdentityIndex, SqliteIdentityIndex>();
        services.AddSingleton<IDedupStore, SqliteDedupStore>();
        services.AddSingleton<FileRawEventArchive>();
        services.AddSingleton<IRawEventArchive>(sp => sp.GetRequiredService<FileRawEventArchive>());

        services.AddSingleton<SqliteSourceDirectory>();
        services.AddSingleton<ISourceDirectory>(sp => sp.GetRequiredService<SqliteSourceDirectory>());
        services.AddSingleton<ILocalSources>(sp => sp.GetRequiredService<SqliteSourceDirectory>());

        services.AddSingleton<SqliteOutbox>();
        services.AddSingleton<ILocalOutbox>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.AddCdpLocalPrivacyStorage();
        services.AddCdpLocalSegmentStorage();
        return services;
    }
}
