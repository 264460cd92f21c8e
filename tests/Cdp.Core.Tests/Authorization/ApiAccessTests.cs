using Cdp.Core.Authorization;
using Cdp.Core.Privacy;

namespace Cdp.Core.Tests.Authorization;

public sealed class ApiAccessTests
{
    [Theory]
    [InlineData("GET", "/api/profiles", ApiRoles.ProfilesRead)]
    [InlineData("GET", "api/profiles/{id}", ApiRoles.ProfilesRead)]
    [InlineData("GET", "/api/profiles/{id}/events", ApiRoles.ProfilesRead)]
    [InlineData("GET", "/api/profiles/{id}/history", ApiRoles.ProfilesRead)]
    [InlineData("get", "/api/profiles/{id}/consent/", ApiRoles.ProfilesRead)]
    [InlineData("PUT", "/api/profiles/{id}/consent", ApiRoles.ProfilesWrite)]
    [InlineData("DELETE", "/api/profiles/{id}", ApiRoles.ProfilesWrite)]
    [InlineData("POST", "/api/segments", ApiRoles.SegmentsManage)]
    [InlineData("GET", "/api/segments/{id}/members", ApiRoles.SegmentsManage)]
    [InlineData("GET", "/api/destinations", ApiRoles.SegmentsManage)]
    [InlineData("POST", "/api/destinations/{key}/dead-letters/redrive", ApiRoles.SegmentsManage)]
    [InlineData("GET", "/api/profiles/{id}/destinations", ApiRoles.ProfilesRead)]
    [InlineData("GET", "/api/destinationsx", null)]
    [InlineData("GET", "/api/privacy/discovery", ApiRoles.PrivacyManage)]
    [InlineData("DELETE", "api/privacy/requests/{id}", ApiRoles.PrivacyManage)]
    [InlineData("GET", "/api/profilesx", null)]
    [InlineData("GET", "/api/admin", null)]
    [InlineData("GET", "/api", null)]
    public void RequiredRole_ByAreaAndMethod(string method, string route, string? role) =>
        Assert.Equal(role, ApiAccess.RequiredRole(method, route));

    [Fact]
    public void Decide_CallerAndRoles_AllowedForbiddenOrUnauthenticated()
    {
        var reader = new ApiCaller("dashboard", [ApiRoles.ProfilesRead]);

        Assert.Equal(ApiAccessOutcome.Allowed, ApiAccess.Decide(reader, ApiRoles.ProfilesRead));
        Assert.Equal(ApiAccessOutcome.Forbidden, ApiAccess.Decide(reader, ApiRoles.ProfilesWrite));
        Assert.Equal(ApiAccessOutcome.Forbidden, ApiAccess.Decide(new ApiCaller("admin", ApiRoles.All), null));
        Assert.Equal(ApiAccessOutcome.Unauthenticated, ApiAccess.Decide(null, ApiRoles.ProfilesRead));
    }

    [Fact]
    public void RouteName_MethodAndTemplate_NormalizedForTheAudit()
    {
        Assert.Equal("GET /api/profiles", ApiAccess.RouteName("get", "/api/profiles/"));
        Assert.Equal("PUT /api/profiles/{id}/consent", ApiAccess.RouteName("PUT", "api/profiles/{id}/consent"));
    }

    [Theory]
    [InlineData("GET /api/privacy/discovery", true)]
    [InlineData("DELETE /api/privacy/requests/{id}", true)]
    [InlineData("GET /api/profiles/{id}", false)]
    [InlineData("GET /api/privacyx", false)]
    public void PrivacyAccess_Covers_OnlyPrivacyRoutes(string route, bool covered) =>
        Assert.Equal(covered, PrivacyAccess.Covers(route));
}
