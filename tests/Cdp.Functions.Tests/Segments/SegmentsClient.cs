using System.Text;
using System.Text.Json;
using Cdp.Core.Authorization;
using Cdp.Functions.Tests.Infrastructure;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Tests.Segments;

/// <summary>
/// The segments API of the Functions app as a marketer's tool calls it: requests routed to the app's functions as the
/// Functions host routes them, sent by a caller holding <see cref="ApiRoles.SegmentsManage"/> and
/// <see cref="ApiRoles.ProfilesRead"/> unless <see cref="As"/> or <see cref="Anonymous"/> says otherwise.
/// </summary>
internal sealed class SegmentsClient(FunctionsHarness harness, DurableTaskClient? durable = null, string[]? roles = null, bool anonymous = false)
{
    public const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    private readonly string[] _roles = roles ?? [ApiRoles.SegmentsManage, ApiRoles.ProfilesRead];

    /// <summary>A segment body: a name and the definition given, no destinations.</summary>
    public static string Body(string definition, string name = "Pro customers") =>
        $$"""{"name":"{{name}}","definition":{{definition}}}""";

    /// <summary>The same client signed in as a caller holding only <paramref name="callerRoles"/>.</summary>
    public SegmentsClient As(params string[] callerRoles) => new(harness, durable, callerRoles);

    /// <summary>The same client sending no credential.</summary>
    public SegmentsClient Anonymous() => new(harness, durable, anonymous: true);

    public Task<Answer> PutAsync(string key, string body) => SendAsync("PUT", $"/api/segments/{key}", body);

    public Task<Answer> GetAsync(string path) => SendAsync("GET", path, null);

    public Task<Answer> PostAsync(string path, string body) => SendAsync("POST", path, body);

    public Task<Answer> DeleteAsync(string key) => SendAsync("DELETE", $"/api/segments/{key}", null);

    /// <summary>The member ids on the first page of a segment's listing.</summary>
    public async Task<IReadOnlyList<string>> MemberIdsAsync(string key)
    {
        var answer = await GetAsync($"/api/segments/{key}/members");
        Assert.True(answer.Status == 200, $"{answer.Status} {answer.Body}");
        return [.. answer.Json.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("profileId").GetString()!)];
    }

    /// <summary>The profile's standing in one segment (<c>GET /api/profiles/{id}/segments</c>); null when it has none.</summary>
    public async Task<JsonElement?> StandingAsync(string profileId, string key)
    {
        var answer = await GetAsync($"/api/profiles/{profileId}/segments");
        Assert.True(answer.Status == 200, $"{answer.Status} {answer.Body}");
        return answer.Json.GetProperty("segments").EnumerateArray().Where(s => s.GetProperty("key").GetString() == key)
            .Select(s => (JsonElement?)s).SingleOrDefault();
    }

    private async Task<Answer> SendAsync(string method, string path, string? body)
    {
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        var request = HttpRequests.Build(method, path, bytes, null, bytes is null ? null : "application/json");
        if (!anonymous)
        {
            request.As(_roles);
        }

        var answer = await new FunctionRouter(harness, durable).SendAsync(request);
        Assert.True(answer is not null, $"no function answers {method} {path}");
        return answer;
    }
}
