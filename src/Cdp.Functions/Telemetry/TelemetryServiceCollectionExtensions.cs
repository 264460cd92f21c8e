using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The meters the app's own code records (retries, transient waits, dead letters, time per processing step), exported beside the worker's.</summary>
    public static IReadOnlyList<string> Meters { get; } = ["Cdp.Processing"];

    /// <summary>
    /// OpenTelemetry for the worker (the host runs with <c>"telemetryMode": "OpenTelemetry"</c>): the Functions defaults,
    /// Cdp's meters, and the Azure Monitor exporter when Application Insights is configured. The exporter signs in with
    /// Microsoft Entra ID (the app's managed identity through <c>AZURE_CLIENT_ID</c>), as Application Insights has local
    /// authentication off in <c>infra/</c>.
    /// </summary>
    public static IServiceCollection AddCdpTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter([.. Meters]));
        telemetry.UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            telemetry.UseAzureMonitorExporter(options => options.Credential = new DefaultAzureCredential());
        }

        return services;
    }
}
