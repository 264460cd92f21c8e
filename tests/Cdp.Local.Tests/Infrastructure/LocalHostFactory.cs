using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// The real host, in process, on a real SQLite file in <paramref name="dataDirectory"/>, with a known write key and a known
/// admin key (every role), which <see cref="CreateCdpClient"/> sends on <c>/api</c> calls. A setting given overrides them.
/// </summary>
internal sealed class LocalHostFactory(string dataDirectory, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public const string WriteKey = "functional-test-key";
    public const string AdminKey = "functional-test-admin-key-6e0b94d2";

    /// <summary>Replaces services after the host's own registrations (e.g. a port that fails on purpose).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public CdpClient CreateCdpClient() => new(CreateClient(), WriteKey, AdminKey);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cdp:Local:DataDirectory", dataDirectory);
        builder.UseSetting("Cdp:Local:DefaultWriteKey", WriteKey);
        builder.UseSetting("Cdp:Local:AdminKey", AdminKey);
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
