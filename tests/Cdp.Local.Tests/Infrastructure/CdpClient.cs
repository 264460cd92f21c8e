using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// What a user of the HTTP API does, over any HttpClient (in-process test server or a child process): ingestion with the
/// write key (Basic), management routes (<c>/api/...</c>) with the API key as a bearer token unless the request has its own.
/// </summary>
internal sealed class CdpClient(HttpClient http, string? writeKey, string? apiKey = null)
{
    public HttpClient Http => http;

    public static AuthenticationHeaderValue Basic(string key) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));

    public Task<ApiResponse> PostAsync(string path, string json, string? key = null, string contentType = "application/json") =>
        PostAsync(path, Encoding.UTF8.GetBytes(json), key, contentType);

    public async Task<ApiResponse> PostAsync(string path, byte[] body, string? key = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if ((key ?? writeKey) is { } k)
        {
            request.Headers.Authorization = Basic(k);
        }

        return await SendAsync(request);
    }

    public async Task<ApiResponse> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (apiKey is not null && request.Headers.Authorization is null
            && request.RequestUri is { OriginalString: var path } && path.StartsWith("/api/", StringComparison.Ordinal))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }

    /// <summary>The live profile holding that identifier, or null while there is none.</summary>
    public async Task<JsonObject?> FindProfileAsync(string identifierType, string value)
    {
        var response = await GetAsync($"/api/profiles?identifierType={Uri.EscapeDataString(identifierType)}&value={Uri.EscapeDataString(value)}");
        return response.Status == HttpStatusCode.OK ? response.Json : null;
    }

    /// <summary>Polls until the profile exists and satisfies <paramref name="ready"/>.</summary>
    public async Task<JsonObject> WaitForProfileAsync(string identifierType, string value, Func<JsonObject, bool>? ready = null, TimeSpan? timeout = null)
    {
        var profile = await Poll.UntilAsync(
            () => FindProfileAsync(identifierType, value),
            p => p is not null && (ready is null || ready(p)),
            $"profile with {identifierType} {value}",
            timeout);
        return profile!;
    }

    public async Task<long> OutboxCountAsync()
    {
        var health = await GetAsync("/health");
        return health.Json!["outbox"]!.GetValue<long>();
    }

    /// <summary>Waits until every queued event has been processed (events leave the outbox in the commit that applies them).</summary>
    public Task WaitForEmptyOutboxAsync(TimeSpan? timeout = null) =>
        Poll.UntilAsync(OutboxCountAsync, n => n == 0, "an empty outbox", timeout);
}

/// <summary>An HTTP answer with its body parsed when it is JSON.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body)
{
    public JsonObject? Json
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public string? Error => Json?["error"]?.GetValue<string>();

    public int Accepted => Json?["accepted"]?.GetValue<int>() ?? 0;

    public List<(int Index, string Reason)> Rejected =>
        Json?["rejected"]?.AsArray().Select(r => (r!["index"]!.GetValue<int>(), r["reason"]!.GetValue<string>())).ToList() ?? [];

    public override string ToString() => $"{(int)Status} {Body[..Math.Min(Body.Length, 500)]}";
}

/// <summary>Reads counts from a profile document as the API returns it.</summary>
internal static class ProfileJson
{
    public static long EventCount(this JsonObject profile) => profile["computed"]?["eventCount"]?.GetValue<long>() ?? 0;

    public static long CountOf(this JsonObject profile, string name) =>
        profile["computed"]?["eventCounts"]?[name]?.GetValue<long>() ?? 0;

    public static string? Trait(this JsonObject profile, string name) => profile["traits"]?[name]?["value"]?.ToString();

    public static string Id(this JsonObject profile) => profile["id"]!.GetValue<string>();
}
