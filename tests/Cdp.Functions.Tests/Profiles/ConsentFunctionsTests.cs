using Cdp.Functions.Profiles;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Profiles;

public sealed class ConsentFunctionsTests
{
    [Fact]
    public async Task Put_ThenGet_ShowsTheAnswerAndItsHistory()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"c-1"}]}""");
        var id = (await harness.FindProfileAsync("userId", "c-1"))!.Id;
        var functions = harness.Create<ConsentFunctions>();

        var put = HttpRequests.Put($"/api/profiles/{id}/consent",
            """{"source":"preference-center","purposes":{"marketing":false,"analytics":true},"timestamp":"2026-11-01T00:00:00Z"}""").AsAdmin();
        var putAnswer = await (await functions.Put(put, id, CancellationToken.None)).ExecuteAsync(put);
        var get = HttpRequests.Get($"/api/profiles/{id}/consent").AsAdmin();
        var getAnswer = await (await functions.Get(get, id, CancellationToken.None)).ExecuteAsync(get);

        Assert.Equal(200, putAnswer.Status);
        Assert.Equal(200, getAnswer.Status);
        var purposes = getAnswer.Json.GetProperty("purposes");
        Assert.False(purposes.GetProperty("marketing").GetProperty("granted").GetBoolean());
        Assert.Equal("preference-center", purposes.GetProperty("marketing").GetProperty("source").GetString());
        Assert.True(purposes.GetProperty("analytics").GetProperty("granted").GetBoolean());
        Assert.Equal(2, getAnswer.Json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Put_UnknownPurposeValue_400AndNothingRecorded()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"c-2"}]}""");
        var id = (await harness.FindProfileAsync("userId", "c-2"))!.Id;
        var functions = harness.Create<ConsentFunctions>();

        var put = HttpRequests.Put($"/api/profiles/{id}/consent", """{"purposes":{"marketing":"maybe"}}""").AsAdmin();
        var answer = await (await functions.Put(put, id, CancellationToken.None)).ExecuteAsync(put);

        Assert.Equal(400, answer.Status);
        Assert.Contains("marketing", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await harness.FindProfileAsync("userId", "c-2"))!.ConsentHistory);
    }

    [Fact]
    public async Task Get_UnknownProfile_404()
    {
        using var harness = new FunctionsHarness();
        var get = HttpRequests.Get("/api/profiles/p-none/consent").AsAdmin();

        var answer = await (await harness.Create<ConsentFunctions>().Get(get, "p-none", CancellationToken.None)).ExecuteAsync(get);

        Assert.Equal(404, answer.Status);
    }
}
