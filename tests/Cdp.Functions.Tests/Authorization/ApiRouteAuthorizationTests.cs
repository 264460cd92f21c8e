using Cdp.Core.Authorization;
using Cdp.Core.Privacy;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;

namespace Cdp.Functions.Tests.Authorization;

/// <summary>
/// Walks the app's HTTP functions, as the worker indexes them, and calls every one that is not ingestion or the health
/// probe: without a credential, with one that matches nobody, with every role but the route's, and with every role. A new
/// function that forgets to ask <see cref="ApiAuthorization"/>, or asks about another route than its own, fails here.
/// </summary>
public sealed class ApiRouteAuthorizationTests
{
    public static TheoryData<string> Refused => new() { "none", "garbage", "other-roles" };

    [Fact]
    public void EveryHttpFunction_IsIngestionHealthOrAManagementRouteWithARole()
    {
        Assert.True(HttpFunction.Management.Count >= 13, string.Join(", ", HttpFunction.Management));
        Assert.All(HttpFunction.All, f => Assert.True(
            f.Route.StartsWith("v1/", StringComparison.Ordinal) || f.Route == "health" || ApiAccess.Governs(f.Route),
            $"{f}: neither ingestion, health nor under api/, so nothing authorizes it"));
        Assert.All(HttpFunction.Management, f => Assert.NotNull(ApiAccess.RequiredRole(f.Method, f.Route)));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task EveryManagementFunction_WithoutItsRole_RefusedAndAuditedUnderItsOwnRoute(string caller)
    {
        foreach (var function in HttpFunction.Management)
        {
            using var harness = new FunctionsHarness();
            var id = Guid.NewGuid().ToString();
            var role = ApiAccess.RequiredRole(function.Method, function.Route)!;
            var request = function.Request(id);
            if (caller == "garbage")
            {
                request.Headers["X-MS-CLIENT-PRINCIPAL"] = "bm90IGEgcHJpbmNpcGFs";
            }
            else if (caller == "other-roles")
            {
                request.As([.. ApiRoles.All.Where(r => r != role)]);
            }

            var answer = await function.InvokeAsync(harness, request, id);

            var expected = caller == "other-roles" ? 403 : 401;
            Assert.True(answer.Status == expected, $"{function}: {answer.Status} {answer.Body}");
            Assert.Contains(role, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
            if (expected == 401)
            {
                Assert.StartsWith("Bearer realm=", answer.Headers["WWW-Authenticate"], StringComparison.Ordinal);
                Assert.Contains($"scope=\"{role}\"", answer.Headers["WWW-Authenticate"], StringComparison.Ordinal);
            }

            var entry = Assert.Single(harness.Get<InMemoryAccessAuditLog>().All);
            Assert.Equal((function.AuditRoute, role), (entry.Route, entry.Role));
            Assert.Equal(caller switch { "none" => ApiAccess.Anonymous, "garbage" => ApiAccess.UnknownCaller, _ => Callers.ToolId }, entry.Actor);
            Assert.Equal(expected == 401 ? "unauthenticated" : "forbidden", entry.Outcome);
        }
    }

    [Fact]
    public async Task EveryManagementFunction_WithEveryRole_ReachesItsHandlerAndIsAudited()
    {
        foreach (var function in HttpFunction.Management)
        {
            using var harness = new FunctionsHarness();
            var id = Guid.NewGuid().ToString();
            var request = function.Request(id).AsAdmin();

            var answer = await function.InvokeAsync(harness, request, id);

            Assert.True(answer.Status is not (401 or 403), $"{function}: {answer.Status} {answer.Body}");
            var entry = Assert.Single(harness.Get<InMemoryAccessAuditLog>().All);
            Assert.Equal((Callers.ToolId, function.AuditRoute, "allowed"), (entry.Actor, entry.Route, entry.Outcome));

            // Privacy decisions are also kept with the privacy requests' own trail, filed under the request the route names.
            var privacy = harness.Get<InMemoryPrivacyAuditLog>().All.Where(e => e.Action.StartsWith("access ", StringComparison.Ordinal)).ToList();
            if (function.Route.StartsWith("api/privacy", StringComparison.Ordinal))
            {
                var filed = Assert.Single(privacy);
                Assert.Equal(("access " + function.AuditRoute, PrivacyAuditOutcomes.Succeeded), (filed.Action, filed.Outcome));
                Assert.Equal(function.Route.Contains("{id}", StringComparison.Ordinal) ? id : PrivacyAccess.NoRequest, filed.RequestId);
            }
            else
            {
                Assert.Empty(privacy);
            }
        }
    }
}
