using Cdp.Core.Privacy;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

public static class LocalPrivacyServiceCollectionExtensions
{
    /// <summary>Core's privacy storage ports on SQLite (tables of <see cref="PrivacySchema"/>) and the data directory's document areas.</summary>
    public static IServiceCollection AddCdpLocalPrivacyStorage(this IServiceCollection services)
    {
        services.AddSingleton(PrivacySchema.Script);
        services.AddSingleton<SqlitePrivacyRequestStore>();
        services.AddSingleton<IPrivacyRequestStore>(sp => sp.GetRequiredService<SqlitePrivacyRequestStore>());
        services.AddSingleton<SqliteSuppressionList>();
        services.AddSingleton<ISuppressionList>(sp => sp.GetRequiredService<SqliteSuppressionList>());
        services.AddSingleton<IPrivacyAuditLog, SqlitePrivacyAuditLog>();
        services.AddSingleton<IExportLedger, SqliteExportLedger>();
        services.AddSingleton<IDocumentArea, FileDocumentArea>();
        services.AddSingleton<SuppressedEventCount>();
        services.AddSingleton<ISuppressionStatistics, LocalSuppressionStatistics>();
        return services;
    }

    /// <summary>
    /// The locally generated callback secret (Core signs and sends the callbacks) and the scrubbing of finished privacy
    /// workflows from the journal (API keys: <c>AddCdpLocalAuthorization</c>). Call after <c>AddCdpLocalWorkflows</c>: it
    /// wraps the journal registered there.
    /// </summary>
    public static IServiceCollection AddCdpLocalPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IPostConfigureOptions<PrivacyCallbackOptions>, CallbackSecretFile>();

        services.AddSingleton<PrivacyTraceScrubber>();
        services.Replace(ServiceDescriptor.Singleton<IWorkflowJournal>(sp =>
            new PrivacyScrubbingJournal(sp.GetRequiredService<SqliteWorkflowJournal>(), sp.GetRequiredService<PrivacyTraceScrubber>())));
        return services;
    }

    /// <summary>The host's privacy start-up work: scrub what a crash left (API keys are announced by <c>AddCdpLocalAuthorization</c>).</summary>
    public static IServiceCollection AddCdpLocalPrivacyHosting(this IServiceCollection services)
    {
        services.AddHostedService<PrivacyScrubAtStartup>();
        return services;
    }
}
