using Cdp.Local.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Workflows;

/// <summary>A container with the local workflow runtime on a data directory, as AddCdpLocalWorkflows registers it.</summary>
internal static class WorkflowServices
{
    public static ServiceProvider Build(string dataDirectory, TimeProvider time, Action<IServiceCollection> register)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cdp:Local:DataDirectory"] = dataDirectory,
                // A process crash loses nothing at Normal; only a power loss would, which no test simulates.
                ["Cdp:Local:Synchronous"] = "Normal",
            })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(time);
        services.AddCdpLocalWorkflows(configuration);
        register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
