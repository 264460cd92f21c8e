using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cdp.Local.Demo;

/// <summary>The demo talks to its host over HTTP only, as a web tag, a server SDK and a marketer's script would.</summary>
public sealed class DemoClient(HttpClient http, DemoSetup setup) : IDisposable
{
    /// <summary>POST /v1/batch with the write key as the Basic user name, as the SDKs send it; throws unless every event was accepted.</summary>
    public async Task SendAsync(DemoBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new ByteArrayContent(batch.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(setup.WriteKey + ":")));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var answer = JsonDocument.Parse(text);
        if (!response.IsSuccessStatusCode || answer.RootElement.GetProperty("accepted").GetInt32() != batch.Events)
        {
            // The answer names the problem by event index; it holds no personal data.
            throw new InvalidOperationException($"/v1/batch answered {(int)response.StatusCode}: {text}");
        }
    }

    /// <summary>PUT /api/segments/{key}: 201 created, 200 replaced.</summary>
    public async Task PutSegmentAsync(DemoSegment segment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        using var content = new StringContent(segment.Body, Encoding.UTF8, "application/json");
        using var request = Api(HttpMethod.Put, $"/api/segments/{segment.Key}", content);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT /api/segments/{segment.Key} answered {(int)response.StatusCode}: "
                + await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    /// <summary>GET /api/segments/{key}: its memberCount.</summary>
    public async Task<long> MemberCountAsync(string key, CancellationToken cancellationToken)
    {
        using var answer = await GetAsync($"/api/segments/{key}", cancellationToken);
        return answer.RootElement.GetProperty("memberCount").GetInt64();
    }

    /// <summary>POST /api/segments/preview: how many live profiles hold <paramref name="definition"/> now.</summary>
    public async Task<long> PreviewCountAsync(string definition, CancellationToken cancellationToken)
    {
        using var content = new StringContent($$"""{"definition":{{definition}}}""", Encoding.UTF8, "application/json");
        using var request = Api(HttpMethod.Post, "/api/segments/preview", content);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return answer.RootElement.GetProperty("count").GetInt64();
    }

    /// <summary>GET /api/destinations: queued and dead-lettered deliveries per destination key.</summary>
    public async Task<IReadOnlyDictionary<string, (long Queued, long DeadLettered)>> DestinationsAsync(CancellationToken cancellationToken)
    {
        using var answer = await GetAsync("/api/destinations", cancellationToken);
        return answer.RootElement.GetProperty("destinations").EnumerateArray().ToDictionary(
            d => d.GetProperty("key").GetString()!, d => (d.GetProperty("queued").GetInt64(), d.GetProperty("deadLettered").GetInt64()), StringComparer.Ordinal);
    }

    /// <summary>GET /health: events accepted but not processed yet.</summary>
    public async Task<long> OutboxAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return answer.RootElement.GetProperty("outbox").GetInt64();
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Api(HttpMethod.Get, path, null);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private HttpRequestMessage Api(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", setup.AdminKey);
        return request;
    }
}
