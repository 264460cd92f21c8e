using System.Net.Http.Headers;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Tests.Privacy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Tests.Parity;

/// <summary>One request as a client writes it, sent unchanged to both hosts; only the credential takes each host's form.</summary>
internal sealed record ParityRequest(string Method, string Path, byte[]? Body = null, string? ContentType = "application/json")
{
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sent with a compliance credential: a bearer key locally, an App Service principal with the role in Azure.</summary>
    public bool AsCompliance { get; init; }

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// The local host (in process on a real SQLite file, through HTTP) and the Functions app (its function classes over
/// in-memory ports, routed as the Functions host routes), configured alike: same write key, same pepper.
/// </summary>
internal sealed class ParityHosts : IDisposable
{
    public const string ComplianceKey = "parity-compliance-key-0123456789";

    /// <summary>Both hosts say where they are reachable the same way, so the settings document can match.</summary>
    public const string PublicUrl = "https://cdp.example.com";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "cdp-parity", Guid.NewGuid().ToString("N"));
    private readonly LocalHost _local;
    private readonly HttpClient _localClient;

    public ParityHosts()
    {
        Directory.CreateDirectory(_data);
        _local = new LocalHost(_data);
        _localClient = _local.CreateClient();
        Functions = new FunctionsHarness().With("Cdp:PublicUrl", PublicUrl);
    }

    public FunctionsHarness Functions { get; }

    public async Task<Answer> LocalAsync(ParityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.AsCompliance)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ComplianceKey);
        }

        using var response = await _localClient.SendAsync(message);
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    public async Task<Answer?> FunctionsAsync(ParityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = HttpRequests.Build(request.Method, request.Path, request.Body, null, request.Body is null ? null : request.ContentType);
        foreach (var (name, value) in request.Headers)
        {
            http.Headers[name] = value;
        }

        if (request.AsCompliance)
        {
            http.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Compliance;
        }

        return await new FunctionRouter(Functions).SendAsync(http);
    }

    public void Dispose()
    {
        _localClient.Dispose();
        _local.Dispose();
        Functions.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file for a moment after the host stops; the OS temp cleaner gets it later.
        }
    }

    private sealed class LocalHost(string dataDirectory) : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Cdp:Local:DataDirectory", dataDirectory);
            builder.UseSetting("Cdp:Local:DefaultWriteKey", FunctionsHarness.WriteKey);
            builder.UseSetting("Cdp:Identity:Pepper", FunctionsHarness.Pepper);
            builder.UseSetting("Cdp:Local:ComplianceKey", ComplianceKey);
            builder.UseSetting("Cdp:PublicUrl", PublicUrl);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
