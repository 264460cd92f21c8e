using System.Text;
using Cdp.Core.Destinations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Destinations;

public sealed class DestinationsEndpointTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    private DestinationsEndpoint Endpoint => _h.Core.Services.GetRequiredService<DestinationsEndpoint>();

    [Fact]
    public async Task ListAsync_Configured_ShowsCountsButNoSecretOrUrlPath()
    {
        await _h.Activation.EnqueueAsync([_h.Delivery("crm", "p1"), _h.Delivery("crm", "p2")], CancellationToken.None);

        var answer = await Endpoint.ListAsync(CancellationToken.None);

        var body = Encoding.UTF8.GetString(answer.Body.Span);
        Assert.Contains("\"key\":\"crm\",\"type\":\"webhook\",\"host\":\"crm.test\"", body, StringComparison.Ordinal);
        Assert.Contains("\"queued\":2,\"deadLettered\":0", body, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?pageSize=0", "pageSize must be a whole number from 1 to 1000")]
    [InlineData("?pageSize=ten", "pageSize must be a whole number from 1 to 1000")]
    [InlineData("?continuation=forged", "continuation was not issued by this API")]
    public async Task DeadLettersAsync_BadQuery_400NamingTheParameter(string query, string message)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);

        var answer = await Endpoint.DeadLettersAsync("crm", context.Request, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
        Assert.Contains(message, Encoding.UTF8.GetString(answer.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveAsync_NotJson_400()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("ids=1"u8.ToArray());

        var answer = await Endpoint.RedriveAsync("crm", context.Request, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
    }

    public void Dispose() => _h.Dispose();
}
