using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Cdp.Core.Authorization;
using Cdp.Local.Authorization;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Authorization;

/// <summary>
/// Walks the host's route table (its <see cref="EndpointDataSource"/>) and calls every route that is not ingestion
/// (<c>/v1</c>) or the health probe: without a credential → 401, with a write key or an unknown key → 401, with a key
/// holding every role but the route's → 403, with the admin key → the handler. A route mapped outside the authorized
/// <c>/api</c> group, or one no role grants, fails here.
/// </summary>
public sealed partial class ApiRouteTableTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly LocalHostFactory _factory;
    private readonly HttpClient _http;

    public ApiRouteTableTests()
    {
        _factory = new LocalHostFactory(_data.Path, TestKeys.Settings);
        _http = _factory.CreateClient();
    }

    [Fact]
    public void RouteTable_EveryRouteIsIngestionHealthOrAManagementRouteWithARole()
    {
        var routes = ManagementRoutes();

        Assert.True(routes.Count >= 14, string.Join(", ", routes));
        Assert.All(routes, r => Assert.True(ApiAccess.Governs(r.Template) && ApiAccess.RequiredRole(r.Method, r.Template) is not null,
            $"{r.Method} {r.Template}: outside /api or granted by no role"));
    }

    [Fact]
    public async Task EveryManagementRoute_NoCredentialWriteKeyOrUnknownKey_401WithBearerChallenge()
    {
        foreach (var (method, template) in ManagementRoutes())
        {
            var role = ApiAccess.RequiredRole(method, template);
            foreach (var authorization in new AuthenticationHeaderValue?[]
                     { null, CdpClient.Basic(LocalHostFactory.WriteKey), new("Bearer", "not-a-key-anyone-holds-7f3a") })
            {
                using var response = await SendAsync(method, template, authorization);

                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {template} with {authorization?.Scheme ?? "nothing"}: {(int)response.StatusCode}");
                var challenge = Assert.Single(response.Headers.WwwAuthenticate);
                Assert.Equal("Bearer", challenge.Scheme);
                Assert.Contains($"scope=\"{role}\"", challenge.Parameter, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task EveryManagementRoute_KeyWithEveryRoleButTheRoutes_403NamingTheRole()
    {
        foreach (var (method, template) in ManagementRoutes())
        {
            var role = ApiAccess.RequiredRole(method, template)!;

            using var response = await SendAsync(method, template, new("Bearer", TestKeys.Lacking(role)));

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {template}: {(int)response.StatusCode}");
            Assert.Contains(role, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryManagementRoute_AdminKey_ReachesTheHandlerAndEachDecisionIsAudited()
    {
        var routes = ManagementRoutes();
        foreach (var (method, template) in routes)
        {
            using var response = await SendAsync(method, template, new("Bearer", LocalHostFactory.AdminKey));

            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {template}: {(int)response.StatusCode}");
        }

        var audit = _factory.Services.GetRequiredService<SqliteAccessAuditLog>().Latest(1000);
        Assert.Equal(routes.Select(r => ApiAccess.RouteName(r.Method, r.Template)).Order(), audit.Select(e => e.Route).Order());
        Assert.All(audit, e => Assert.Equal((ApiKeyOptions.AdminKeyName, "allowed"), (e.Actor, e.Outcome)));
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
        _data.Dispose();
    }

    /// <summary>Every (method, template) of the route table but ingestion and health.</summary>
    private List<(string Method, string Template)> ManagementRoutes()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return [.. endpoints
            .Select(e => (Template: e.RoutePattern.RawText ?? string.Empty, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]))
            .Where(e => !e.Template.StartsWith("/v1", StringComparison.Ordinal) && e.Template != "/health")
            .SelectMany(e => e.Methods.Select(m => (m, e.Template)))
            .Distinct()];
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string template, AuthenticationHeaderValue? authorization)
    {
        // Route values become a fresh UUID: a privacy request id, a profile id nobody has.
        var path = RouteParameter().Replace(template, _ => Guid.NewGuid().ToString());
        using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path) { Headers = { Authorization = authorization } };
        return await _http.SendAsync(request);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
