using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Privacy;

/// <summary>The keys privacy tests use: a compliance key (role Privacy.Manage) and a key with another role.</summary>
internal static class PrivacyKeys
{
    public const string Compliance = "compliance-test-key-3f9a27c1";
    public const string MarketingName = "marketing-dashboard";
    public const string Marketing = "marketing-test-key-8d2e61b0";

    /// <summary>Host settings: the compliance key as the development shortcut, the marketing key hashed as operators configure it.</summary>
    public static (string Key, string Value)[] Settings =>
    [
        ("Cdp:Local:ComplianceKey", Compliance),
        ("Cdp:Local:ApiKeys:0:Name", MarketingName),
        ("Cdp:Local:ApiKeys:0:KeySha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Marketing)))),
        ("Cdp:Local:ApiKeys:0:Roles:0", "Profiles.Read"),
    ];
}

/// <summary>What compliance tooling does over the privacy API, with a bearer key.</summary>
internal sealed class PrivacyClient(HttpClient http, string? key = PrivacyKeys.Compliance)
{
    public Task<ApiResponse> SubmitAsync(string json) => SendAsync(HttpMethod.Post, "/api/privacy/requests", json);

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResponse> StatusAsync(string requestId) => GetAsync($"/api/privacy/requests/{requestId}");

    public Task<ApiResponse> CancelAsync(string requestId) => SendAsync(HttpMethod.Delete, $"/api/privacy/requests/{requestId}");

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await new CdpClient(http, null).SendAsync(request);
    }

    /// <summary>Polls the request until it has <paramref name="status"/> (bounded).</summary>
    public async Task<JsonObject> WaitForStatusAsync(string requestId, string status, TimeSpan? timeout = null)
    {
        var response = await Poll.UntilAsync(
            () => StatusAsync(requestId),
            r => r.Status == HttpStatusCode.OK && r.Json?["request_status"]?.GetValue<string>() == status,
            $"request {requestId} to be {status}",
            timeout ?? TimeSpan.FromSeconds(30));
        return response.Json!;
    }
}

/// <summary>OpenDSR request bodies: v3 (identities as the map of type to {value, encoding}) unless a test asks for the older list.</summary>
internal static class OpenDsrBodies
{
    public static string Body(
        string id,
        string type,
        IReadOnlyDictionary<string, string> identities,
        string regulation = "gdpr",
        IReadOnlyList<string>? callbacks = null,
        string? mode = null,
        bool listForm = false)
    {
        var body = new JsonObject
        {
            ["api_version"] = listForm ? "2.0" : "3.0",
            ["regulation"] = regulation,
            ["subject_request_id"] = id,
            ["subject_request_type"] = type,
            ["submitted_time"] = "2026-11-20T10:00:00Z",
            ["subject_identities"] = listForm
                ? new JsonArray(identities
                    .Select(i => (JsonNode)new JsonObject { ["identity_type"] = i.Key, ["identity_value"] = i.Value, ["identity_format"] = "raw" })
                    .ToArray())
                : new JsonObject(identities.Select(i =>
                    KeyValuePair.Create(i.Key, (JsonNode?)new JsonObject { ["value"] = i.Value, ["encoding"] = "raw" }))),
        };
        if (callbacks is not null)
        {
            body["status_callback_urls"] = new JsonArray(callbacks.Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
        }

        if (mode is not null)
        {
            body["suppression_mode"] = mode;
        }

        return body.ToJsonString();
    }
}
