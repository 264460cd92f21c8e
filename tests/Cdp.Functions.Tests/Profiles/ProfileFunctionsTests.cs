using Cdp.Functions.Profiles;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Profiles;

/// <summary>The profile API of the Functions app, called with real requests: the same answers as the local host.</summary>
public sealed class ProfileFunctionsTests
{
    [Fact]
    public async Task Find_ByEmailInAnotherCase_200WithTheProfile()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-7","traits":{"email":"Jane@Example.com","plan":"pro"}}]}""");

        var request = HttpRequests.Get("/api/profiles?identifierType=email&value=JANE@example.com");
        var answer = await (await harness.Create<ProfileFunctions>().Find(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("pro", answer.Json.GetProperty("traits").GetProperty("plan").GetProperty("value").GetString());
        Assert.StartsWith("application/json", answer.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ById_200AndTheSameProfileAsTheLookup()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-8","traits":{"name":"Ann"}}]}""");
        var id = (await harness.FindProfileAsync("userId", "u-8"))!.Id;

        var request = HttpRequests.Get($"/api/profiles/{id}");
        var answer = await (await harness.Create<ProfileFunctions>().Get(request, id, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(id, answer.Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_UnknownId_404WithJsonError()
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Get("/api/profiles/p-nobody");

        var answer = await (await harness.Create<ProfileFunctions>().Get(request, "p-nobody", CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(404, answer.Status);
        Assert.Contains("no profile", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/profiles", "required")]
    [InlineData("/api/profiles?identifierType=shoeSize&value=42", "unknown identifierType")]
    [InlineData("/api/profiles?identifierType=email&value=not-an-email", "not a valid email")]
    public async Task Find_BadQuery_400NamingTheProblem(string path, string problem)
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Get(path);

        var answer = await (await harness.Create<ProfileFunctions>().Find(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(400, answer.Status);
        Assert.Contains(problem, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
