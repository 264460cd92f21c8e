using System.Text;

namespace Cdp.Functions.Tests.Parity;

/// <summary>
/// Refusals of the management routes on both hosts: the same status and the same challenge scheme and scope. The texts
/// differ on purpose: each says how to authenticate on its own host (an API key locally, an Entra token in Azure), and
/// a 403 names the caller as that host knows it.
/// </summary>
public sealed class AuthorizationParityTests : IDisposable
{
    private readonly ParityHosts _hosts = new();

    public static TheoryData<string, string, string, int, string> Refusals => new()
    {
        { "GET", "/api/profiles/p-nobody", "anonymous", 401, "Profiles.Read" },
        { "GET", "/api/profiles?identifierType=email&value=a@example.com", "anonymous", 401, "Profiles.Read" },
        { "GET", "/api/profiles/p-nobody/history", "anonymous", 401, "Profiles.Read" },
        { "PUT", "/api/profiles/p-nobody/consent", "reader", 403, "Profiles.Write" },
        { "GET", "/api/privacy/discovery", "reader", 403, "Privacy.Manage" },
        { "GET", "/api/profiles/p-nobody/events", "compliance", 403, "Profiles.Read" },
        { "GET", "/api/segments", "anonymous", 401, "Segments.Manage" },
        { "PUT", "/api/segments/guarded", "reader", 403, "Segments.Manage" },
        { "GET", "/api/profiles/p-nobody/segments", "compliance", 403, "Profiles.Read" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task WithoutTheRole_BothHosts_SameStatusAndChallenge(string method, string path, string caller, int status, string role)
    {
        var request = new ParityRequest(method, path, method == "PUT" ? Encoding.UTF8.GetBytes("""{"purposes":{"marketing":true}}""") : null)
        {
            Anonymous = caller == "anonymous",
            AsReader = caller == "reader",
            AsCompliance = caller == "compliance",
        };

        var local = await _hosts.LocalAsync(request);
        var azure = (await _hosts.FunctionsAsync(request))!;

        Assert.Equal((status, status), (local.Status, azure.Status));
        foreach (var answer in new[] { local, azure })
        {
            Assert.StartsWith("application/json", answer.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.Contains(role, answer.Body, StringComparison.Ordinal);
            if (status == 401)
            {
                Assert.StartsWith("Bearer realm=", answer.Headers["WWW-Authenticate"], StringComparison.Ordinal);
                Assert.EndsWith($"scope=\"{role}\"", answer.Headers["WWW-Authenticate"], StringComparison.Ordinal);
            }
        }
    }

    public void Dispose() => _hosts.Dispose();
}
