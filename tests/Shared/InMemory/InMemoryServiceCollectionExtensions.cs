using Cdp.Core.Authorization;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Tests.InMemory;

internal static class InMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers every in-memory port as a singleton, under its port interface and its own type (so a test can
    /// inspect what was stored). Replaces any port registered before; call after AddCdpCore.
    /// </summary>
    public static IServiceCollection AddCdpInMemoryPorts(this IServiceCollection services)
    {
        Register<IProfileStore, InMemoryProfileStore>(services, _ => new InMemoryProfileStore());
        Register<ITimelineStore, InMemoryTimelineStore>(services, _ => new InMemoryTimelineStore());
        Register<IConsentArchive, InMemoryConsentArchive>(services, _ => new InMemoryConsentArchive());
        Register<IIdentityIndex, InMemoryIdentityIndex>(services, _ => new InMemoryIdentityIndex());
        Register<IDedupStore, InMemoryDedupStore>(services, sp => new InMemoryDedupStore(sp.GetRequiredService<TimeProvider>()));
        Register<IRawEventArchive, InMemoryRawEventArchive>(services, _ => new InMemoryRawEventArchive());
        Register<ISourceDirectory, InMemorySourceDirectory>(services, _ => new InMemorySourceDirectory());
        Register<IEventQueue, InMemoryEventQueue>(services, _ => new InMemoryEventQueue());
        Register<IDeadLetterArchive, InMemoryDeadLetterArchive>(services, _ => new InMemoryDeadLetterArchive());
        Register<IMergeScheduler, InMemoryMergeScheduler>(services, _ => new InMemoryMergeScheduler());
        Register<IPrivacyRequestStore, InMemoryPrivacyRequestStore>(services, _ => new InMemoryPrivacyRequestStore());
        Register<ISuppressionList, InMemorySuppressionList>(services, _ => new InMemorySuppressionList());
        services.Replace(ServiceDescriptor.Singleton<ISuppressionStatistics>(sp => sp.GetRequiredService<InMemorySuppressionList>()));
        Register<IPrivacyAuditLog, InMemoryPrivacyAuditLog>(services, _ => new InMemoryPrivacyAuditLog());
        Register<IDocumentArea, InMemoryDocumentArea>(services, _ => new InMemoryDocumentArea());
        Register<IExportLedger, InMemoryExportLedger>(services, _ => new InMemoryExportLedger());
        Register<IPrivacyStatusNotifier, InMemoryPrivacyStatusNotifier>(services, _ => new InMemoryPrivacyStatusNotifier());
        Register<IAccessAuditLog, InMemoryAccessAuditLog>(services, _ => new InMemoryAccessAuditLog());
        Register<ISegmentStore, InMemorySegmentStore>(services, _ => new InMemorySegmentStore());
        Register<ISegmentMembers, InMemorySegmentMembers>(services, _ => new InMemorySegmentMembers());
        Register<IProfileScan, InMemoryProfileScan>(services, sp => new InMemoryProfileScan(sp.GetRequiredService<InMemoryProfileStore>()));
        Register<IDeliveryQueue, InMemoryDeliveryQueue>(services, _ => new InMemoryDeliveryQueue());
        return services;
    }

    private static void Register<TPort, TImpl>(IServiceCollection services, Func<IServiceProvider, TImpl> create)
        where TPort : class
        where TImpl : class, TPort
    {
        services.RemoveAll<TImpl>();
        services.AddSingleton(create);
        services.Replace(ServiceDescriptor.Singleton<TPort>(sp => sp.GetRequiredService<TImpl>()));
    }
}
