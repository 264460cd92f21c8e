using Cdp.Core.Authorization;
using Cdp.Functions.Profiles;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;

namespace Cdp.Functions.Tests.Authorization;

/// <summary>What each role lets a caller do on the profile routes.</summary>
public sealed class ProfileRolesTests
{
    [Fact]
    public async Task ProfilesRead_ReadsProfileAndConsent_ButPutConsentIs403AndChangesNothing()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"reader-1"}]}""");
        var id = (await harness.FindProfileAsync("userId", "reader-1"))!.Id;
        var consent = harness.Create<ConsentFunctions>();

        var profile = HttpRequests.Get($"/api/profiles/{id}").As(ApiRoles.ProfilesRead);
        var read = await (await harness.Create<ProfileFunctions>().Get(profile, id, CancellationToken.None)).ExecuteAsync(profile);
        var get = HttpRequests.Get($"/api/profiles/{id}/consent").As(ApiRoles.ProfilesRead);
        var getAnswer = await (await consent.Get(get, id, CancellationToken.None)).ExecuteAsync(get);
        var put = HttpRequests.Put($"/api/profiles/{id}/consent", """{"purposes":{"marketing":true}}""").As(ApiRoles.ProfilesRead);
        var putAnswer = await (await consent.Put(put, id, CancellationToken.None)).ExecuteAsync(put);

        Assert.Equal((200, 200, 403), (read.Status, getAnswer.Status, putAnswer.Status));
        Assert.Contains(ApiRoles.ProfilesWrite, putAnswer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await harness.FindProfileAsync("userId", "reader-1"))!.ConsentHistory);
        Assert.Equal(["allowed", "allowed", "forbidden"], harness.Get<InMemoryAccessAuditLog>().All.Select(e => e.Outcome));
    }

    [Fact]
    public async Task ProfilesWrite_Alone_RecordsConsentButCannotReadTheProfile()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"writer-1"}]}""");
        var id = (await harness.FindProfileAsync("userId", "writer-1"))!.Id;

        var put = HttpRequests.Put($"/api/profiles/{id}/consent", """{"purposes":{"marketing":true}}""").As(ApiRoles.ProfilesWrite);
        var putAnswer = await (await harness.Create<ConsentFunctions>().Put(put, id, CancellationToken.None)).ExecuteAsync(put);
        var profile = HttpRequests.Get($"/api/profiles/{id}").As(ApiRoles.ProfilesWrite);
        var read = await (await harness.Create<ProfileFunctions>().Get(profile, id, CancellationToken.None)).ExecuteAsync(profile);

        Assert.Equal((200, 403), (putAnswer.Status, read.Status));
    }
}
