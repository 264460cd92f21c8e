using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Authorization;
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

    /// <summary>Sent as a reader (<c>Profiles.Read</c> only): a configured key locally, a principal with that app role in Azure.</summary>
    public bool AsReader { get; init; }

    /// <summary>Sent with no credential at all, also to an <c>/api</c> route (which otherwise gets an every-role caller).</summary>
    public bool Anonymous { get; init; }

    /// <summary>An <c>/api</c> route without a chosen caller is sent by one holding every role, so it reaches the handler.</summary>
    public bool AsAdmin => !AsCompliance && !AsReader && !Anonymous && Path.StartsWith("/api/", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// The local host (in process on a real SQLite file, through HTTP) and the Functions app (its function classes over
/// in-memory ports, routed as the Functions host routes), configured alike: same write key, same pepper.
/// </summary>
internal sealed class ParityHosts : IDisposable
{
    public const string ComplianceKey = "parity-compliance-key-0123456789";
    public const string AdminKey = "parity-admin-key-0123456789abcdef";
    public const string ReaderKey = "parity-reader-key-0123456789abcd";

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

        var key = request.AsCompliance ? ComplianceKey : request.AsReader ? ReaderKey : request.AsAdmin ? AdminKey : null;
        if (key is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
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
        else if (request.AsReader)
        {
            http.As(ApiRoles.ProfilesRead);
        }
        else if (request.AsAdmin)
        {
            http.AsAdmin();
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
            builder.UseSetting("Cdp:Local:AdminKey", AdminKey);
            builder.UseSetting("Cdp:Local:ApiKeys:0:Name", "parity-reader");
            builder.UseSetting("Cdp:Local:ApiKeys:0:KeySha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ReaderKey))));
            builder.UseSetting("Cdp:Local:ApiKeys:0:Roles:0", ApiRoles.ProfilesRead);
            builder.UseSetting("Cdp:PublicUrl", PublicUrl);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
