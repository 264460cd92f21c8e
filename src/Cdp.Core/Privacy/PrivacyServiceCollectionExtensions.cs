using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// The privacy rules: request API and its HTTP endpoint, suppression keys, erasure and access workflows, and the signed
    /// status callbacks. Hosts add the ports (<see cref="IPrivacyRequestStore"/>, <see cref="ISuppressionList"/>,
    /// <see cref="ISuppressionStatistics"/>, <see cref="IPrivacyAuditLog"/>, <see cref="IDocumentArea"/>, <see cref="IExportLedger"/>)
    /// and a workflow client.
    /// </summary>
    public static IServiceCollection AddCdpPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PrivacyOptions>(configuration, PrivacyOptions.SectionName);
        services.AddSingleton<SuppressionKeys>();
        services.AddSingleton<SubjectMatchers>();
        services.AddSingleton<PrivacyRequestValidator>();
        services.AddSingleton<PrivacyRequestDocuments>();
        services.AddSingleton<PrivacyRequests>();
        services.AddSingleton<PrivacyEndpoint>();

        services.AddValidatedOptions<PrivacyCallbackOptions>(configuration, PrivacyCallbackOptions.SectionName);
        // The factory's own request logs would print whole callback URLs, which may carry a requester's token.
        services.AddHttpClient(SignedStatusNotifier.ClientName).RemoveAllLoggers();
        services.TryAddSingleton<IPrivacyStatusNotifier, SignedStatusNotifier>();

        services.AddErasureWorkflow();
        services.AddAccessWorkflow();
        return services;
    }
}
