using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>The real host, in process, on a real SQLite file in <paramref name="dataDirectory"/>.</summary>
internal sealed class LocalHostFactory(string dataDirectory, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public const string WriteKey = "functional-test-key";

    /// <summary>Replaces services after the host's own registrations (e.g. a port that fails on purpose).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public CdpClient CreateCdpClient() => new(CreateClient(), WriteKey);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cdp:Local:DataDirectory", dataDirectory);
        builder.UseSetting("Cdp:Local:DefaultWriteKey", WriteKey);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }
}
