using Cdp.Core.Authorization;
using Cdp.Core.Privacy;
using Cdp.Tests.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.Authorization;

public sealed class ApiAuthorizationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly InMemoryAccessAuditLog _access = new();
    private readonly InMemoryPrivacyAuditLog _privacy = new();

    [Fact]
    public async Task AuthorizeAsync_NoCredential_401ChallengeAuditedAsAnonymous()
    {
        var result = await Authorization(CallerLookup.Missing).AuthorizeAsync(Request("GET"), "/api/profiles/{id}", "p-1", CancellationToken.None);

        Assert.Equal(401, result.Denied!.Status);
        Assert.Contains(new KeyValuePair<string, string>("WWW-Authenticate", "Bearer realm=\"test-realm\", scope=\"Profiles.Read\""), result.Denied.Headers);
        var entry = Assert.Single(_access.All);
        Assert.Equal((ApiAccess.Anonymous, "GET /api/profiles/{id}", ApiRoles.ProfilesRead, "unauthenticated", Now),
            (entry.Actor, entry.Route, entry.Role, entry.Outcome, entry.At));
        Assert.Empty(_privacy.All);
    }

    [Fact]
    public async Task AuthorizeAsync_UnknownCredential_401InvalidToken()
    {
        var result = await Authorization(CallerLookup.Unknown).AuthorizeAsync(Request("PUT"), "/api/profiles/{id}/consent", "p-1", CancellationToken.None);

        Assert.Equal(401, result.Denied!.Status);
        Assert.EndsWith("error=\"invalid_token\"", result.Denied.Headers.Single().Value, StringComparison.Ordinal);
        Assert.Equal(ApiAccess.UnknownCaller, Assert.Single(_access.All).Actor);
    }

    [Fact]
    public async Task AuthorizeAsync_PrivacyRouteWithoutTheRole_403AndFiledUnderTheRequest()
    {
        var id = Guid.NewGuid().ToString();
        var lookup = CallerLookup.Found(new ApiCaller("dashboard", [ApiRoles.ProfilesRead]));

        var result = await Authorization(lookup).AuthorizeAsync(Request("GET"), "/api/privacy/requests/{id}", id, CancellationToken.None);

        Assert.Equal(403, result.Denied!.Status);
        var filed = Assert.Single(_privacy.All);
        Assert.Equal((id, "access GET /api/privacy/requests/{id}", "dashboard", PrivacyAuditOutcomes.Rejected), (filed.RequestId, filed.Action, filed.ActorId, filed.Outcome));
        Assert.Equal("forbidden", Assert.Single(_access.All).Outcome);
    }

    [Fact]
    public async Task AuthorizeAsync_WithTheRole_AllowedAndTheCallerIsKeptForTheHandler()
    {
        var caller = new ApiCaller("admin", ApiRoles.All);
        var request = Request("POST");

        var result = await Authorization(CallerLookup.Found(caller)).AuthorizeAsync(request, "api/privacy/requests", null, CancellationToken.None);

        Assert.Null(result.Denied);
        Assert.Same(caller, ApiAuthorization.CallerOf(request.HttpContext));
        Assert.Equal(PrivacyAccess.NoRequest, Assert.Single(_privacy.All).RequestId);
    }

    private ApiAuthorization Authorization(CallerLookup lookup) =>
        new(new FixedCallers(lookup), _access, _privacy, new FakeTimeProvider(Now));

    private static HttpRequest Request(string method) => new DefaultHttpContext { Request = { Method = method } }.Request;

    private sealed class FixedCallers(CallerLookup lookup) : IApiCallers
    {
        public string Realm => "test-realm";

        public string HowToAuthenticate => "send a test key";

        public CallerLookup Identify(HttpRequest request) => lookup;
    }
}
