using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cdp.Core.Authorization;
using Cdp.Local.Authorization;
using Cdp.Local.Storage;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Tests.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Authorization;

/// <summary>What each kind of local key may do, and what the access trail keeps of it.</summary>
public sealed class ApiKeysTests
{
    [Fact]
    public async Task ProfilesReadKey_ReadsProfileTimelineHistoryAndConsent_ButPutConsentIs403AndRecordsNothing()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, TestKeys.Settings);
        var admin = factory.CreateCdpClient();
        await admin.PostAsync("/v1/identify", """{"userId":"reader-subject-1","traits":{"email":"reader.subject@example.com"}}""");
        var id = (await admin.WaitForProfileAsync("userId", "reader-subject-1")).Id();
        var reader = new CdpClient(factory.CreateClient(), null, TestKeys.Reader);

        var reads = new[] { $"/api/profiles/{id}", $"/api/profiles/{id}/events", $"/api/profiles/{id}/history", $"/api/profiles/{id}/consent",
            "/api/profiles?identifierType=email&value=reader.subject%40example.com" };
        foreach (var path in reads)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(path)).Status);
        }

        var put = await PutConsentAsync(reader, id);
        var privacy = await reader.GetAsync("/api/privacy/discovery");

        Assert.Equal(HttpStatusCode.Forbidden, put.Status);
        Assert.Contains($"'{TestKeys.ReaderName}' lacks the {ApiRoles.ProfilesWrite} role", put.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, privacy.Status);
        Assert.Empty((await admin.GetAsync($"/api/profiles/{id}/consent")).Json!["history"]!.AsArray());
        var trail = factory.Services.GetRequiredService<SqliteAccessAuditLog>().Latest(100).Where(e => e.Actor == TestKeys.ReaderName).ToList();
        Assert.Equal(reads.Length + 2, trail.Count);
        Assert.Equal(("PUT /api/profiles/{id}/consent", ApiRoles.ProfilesWrite, "forbidden"), (trail[^2].Route, trail[^2].Role, trail[^2].Outcome));
    }

    [Fact]
    public async Task AdminKey_HoldsEveryRole()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path);
        var admin = factory.CreateCdpClient();

        var profile = await admin.GetAsync("/api/profiles/p-nobody");
        var consent = await PutConsentAsync(admin, "p-nobody");
        var privacy = await admin.GetAsync("/api/privacy/discovery");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK), (profile.Status, consent.Status, privacy.Status));
        Assert.Equal(ApiRoles.All, factory.Services.GetRequiredService<LocalApiKeys>().Find(LocalHostFactory.AdminKey)!.Roles);
        Assert.False(File.Exists(Path.Combine(data.Path, GeneratedAdminKey.FileName)), "an admin key was generated although one is configured");
    }

    [Fact]
    public async Task ComplianceKey_StillPrivacyManageOnly()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var compliance = new CdpClient(factory.CreateClient(), null, PrivacyKeys.Compliance);

        Assert.Equal(HttpStatusCode.OK, (await compliance.GetAsync("/api/privacy/discovery")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await compliance.GetAsync("/api/profiles/p-nobody")).Status);
    }

    [Fact]
    public async Task Decisions_AuditedWithCallerAndRouteTemplate_NeverTheKeyThePathOrTheQuery()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, TestKeys.Settings);
        var http = factory.CreateClient();
        const string Unknown = "unknown-key-never-configured-93b1";
        const string Path = "/api/profiles?identifierType=email&value=audited.person%40example.com";

        foreach (var key in new[] { null, Unknown, TestKeys.Reader, LocalHostFactory.AdminKey })
        {
            await new CdpClient(http, null, key).GetAsync(Path);
        }

        await new CdpClient(http, null, TestKeys.Reader).GetAsync("/api/profiles/p-0123456789abcdef");

        var trail = factory.Services.GetRequiredService<SqliteAccessAuditLog>().Latest(100);
        Assert.Equal(
            [(ApiAccess.Anonymous, "unauthenticated"), (ApiAccess.UnknownCaller, "unauthenticated"), (TestKeys.ReaderName, "allowed"),
             (ApiKeyOptions.AdminKeyName, "allowed"), (TestKeys.ReaderName, "allowed")],
            trail.Select(e => (e.Actor, e.Outcome)));
        Assert.Equal(["GET /api/profiles", "GET /api/profiles/{id}"], trail.Select(e => e.Route).Distinct());
        Assert.All(trail, e => Assert.Equal(ApiRoles.ProfilesRead, e.Role));

        // Nothing on disk holds a key, the email of the look-up or the profile id of the path.
        factory.Dispose();
        var stored = string.Concat(Directory.GetFiles(data.Path, SqliteDatabase.FileName + "*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        foreach (var secret in new[] { Unknown, TestKeys.Reader, LocalHostFactory.AdminKey, "audited.person", "p-0123456789abcdef" })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Cdp:Local:AdminKey", "too-short")]
    [InlineData("Cdp:Local:ApiKeys:0:Roles:0", "Profile.Read")]
    [InlineData("Cdp:Local:ApiKeys:0:Name", "local-admin-key")]
    public void Start_BadKeySetting_FailsNamingTheSetting(string setting, string value)
    {
        using var data = new TempDataDirectory();
        var settings = TestKeys.Settings.Where(s => s.Key != setting).Append((setting, value)).ToArray();
        using var host = new LocalHostFactory(data.Path, settings);

        var error = Record.Exception(() => host.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(setting, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<ApiResponse> PutConsentAsync(CdpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/profiles/{id}/consent")
        {
            Content = new StringContent("""{"purposes":{"marketing":true}}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.SendAsync(request);
    }
}
