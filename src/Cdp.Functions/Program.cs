using Cdp.Azure;
using Cdp.Core;
using Cdp.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace Cdp.Functions;

/// <summary>The isolated worker: a chain of registrations, then run. Every rule lives in Core.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddCdpCore(builder.Configuration);
        builder.Services.AddCdpAzure(builder.Configuration);
        builder.Services.AddCdpFunctions();
        builder.Services.AddCdpTelemetry(builder.Configuration);
        builder.Build().Run();
    }
}
