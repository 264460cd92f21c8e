using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests;

public sealed class HealthFunctionTests
{
    [Fact]
    public async Task Health_WhenCalled_AnswersHealthyJson()
    {
        var request = HttpRequests.Get("/health");
        var answer = await HealthFunction.Run(request).ExecuteAsync(request);
        Assert.Equal(200, answer.Status);
        Assert.Equal("healthy", answer.Json.GetProperty("status").GetString());
    }
}
