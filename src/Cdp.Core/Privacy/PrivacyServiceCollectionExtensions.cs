using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// The privacy rules: request API, suppression keys, erasure and access workflows. Hosts add the ports
    /// (<see cref="IPrivacyRequestStore"/>, <see cref="ISuppressionList"/>, <see cref="IPrivacyAuditLog"/>, <see cref="IDocumentArea"/>,
    /// <see cref="IExportLedger"/>, <see cref="IPrivacyStatusNotifier"/>) and a workflow client.
    /// </summary>
    public static IServiceCollection AddCdpPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PrivacyOptions>(configuration, PrivacyOptions.SectionName);
        services.AddSingleton<SuppressionKeys>();
        services.AddSingleton<SubjectMatchers>();
        services.AddSingleton<PrivacyRequestValidator>();
        services.AddSingleton<PrivacyRequestDocuments>();
        services.AddSingleton<PrivacyRequests>();

        services.AddErasureWorkflow();
        services.AddAccessWorkflow();
        return services;
    }
}
