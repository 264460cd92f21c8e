using Azure.Messaging.EventHubs;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Functions.Tests.Ingestion;

/// <summary>The HTTP ingest function with real requests: status, headers and body, and what reached the queue.</summary>
public sealed class IngestFunctionTests : IDisposable
{
    private static readonly string Auth = FunctionsHarness.Basic(FunctionsHarness.WriteKey);

    private readonly FunctionsHarness _harness = new();

    [Theory]
    [InlineData("identify", """{"userId":"u-1","traits":{"plan":"pro"}}""", "identify")]
    [InlineData("track", """{"anonymousId":"a-1","event":"Signed Up"}""", "track")]
    public async Task Run_SingleCall_Answers200AndQueuesTheEvent(string route, string body, string type)
    {
        var answer = await IngestAsync(route, body);

        Assert.Equal(200, answer.Status);
        Assert.True(answer.Json.GetProperty("success").GetBoolean());
        Assert.Equal(1, answer.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(0, answer.Json.GetProperty("rejected").GetArrayLength());
        var queued = Assert.Single(_harness.Queue.Take());
        Assert.Equal(type, queued.Type);
        Assert.Equal(FunctionsHarness.SourceId, queued.SourceId);
    }

    [Fact]
    public async Task Run_Batch_Answers200AndQueuesEveryEventInOrder()
    {
        var answer = await IngestAsync("batch", """
            {"batch":[
              {"type":"identify","userId":"u-1","messageId":"m-1","traits":{"email":"a@example.com"}},
              {"type":"track","userId":"u-1","messageId":"m-2","event":"Order Completed"},
              {"type":"page","anonymousId":"a-9","messageId":"m-3","name":"Home"}]}
            """);

        Assert.Equal(200, answer.Status);
        Assert.Equal(3, answer.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(["m-1", "m-2", "m-3"], _harness.Queue.Take().Select(e => e.MessageId));
    }

    [Fact]
    public async Task Run_BatchWithOneInvalidItem_Answers200WithTheRejectedIndexAndReason()
    {
        var answer = await IngestAsync("batch", """
            {"batch":[
              {"type":"track","userId":"u-1","messageId":"m-1","event":"Viewed"},
              {"type":"track","messageId":"m-2","event":"No One"}]}
            """);

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.Json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("userId or anonymousId is required", rejected.GetProperty("reason").GetString());
        Assert.Equal("m-1", Assert.Single(_harness.Queue.Take()).MessageId);
    }

    [Fact]
    public async Task Run_MalformedJson_Answers400NamingTheProblemAndQueuesNothing()
    {
        var answer = await IngestAsync("track", """{"userId":"u-1","event":""");

        Assert.Equal(400, answer.Status);
        Assert.False(answer.Json.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Theory]
    [InlineData(null, "missing write key")]
    [InlineData("wk_nobody", "unknown write key")]
    public async Task Run_MissingOrUnknownWriteKey_Answers401WithWwwAuthenticate(string? writeKey, string error)
    {
        var answer = await IngestAsync("track", """{"userId":"u-1","event":"Viewed"}""", writeKey is null ? null : FunctionsHarness.Basic(writeKey));

        Assert.Equal(401, answer.Status);
        Assert.Equal("Basic realm=\"cdp\"", answer.Headers["WWW-Authenticate"]);
        Assert.StartsWith(error, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Fact]
    public async Task Run_UnknownRoute_Answers404ListingTheRoutes()
    {
        var answer = await IngestAsync("purchase", """{"userId":"u-1"}""");

        Assert.Equal(404, answer.Status);
        Assert.Contains("/v1/purchase", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BodyAboveTheLimit_Answers413()
    {
        var padding = new string('x', IngestEndpoint.MaxRequestBytes);
        var answer = await IngestAsync("track", "{\"userId\":\"u-1\",\"event\":\"Big\",\"properties\":{\"p\":\"" + padding + "\"}}");

        Assert.Equal(413, answer.Status);
        Assert.Contains($"the limit is {IngestEndpoint.MaxRequestBytes} bytes", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Theory]
    [MemberData(nameof(QueueFailures))]
    public async Task Run_QueueFails_Answers503WithRetryAfterAndClaimsNothing(Exception failure)
    {
        _harness.ServiceCollection.Replace(ServiceDescriptor.Singleton<IEventQueue>(new FailingQueue(failure)));

        var answer = await IngestAsync("track", """{"userId":"u-1","event":"Viewed"}""");

        Assert.Equal(503, answer.Status);
        Assert.Equal(IngestAnswers.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Headers["Retry-After"]);
        Assert.False(answer.Json.GetProperty("success").GetBoolean());
        Assert.False(answer.Json.TryGetProperty("accepted", out _));
        Assert.False(answer.Json.TryGetProperty("rejected", out _));
    }

    [Fact]
    public async Task Run_RequestCancelled_PropagatesTheCancellationInsteadOfAnswering503()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var request = HttpRequests.Post("/v1/track", """{"userId":"u-1","event":"Viewed"}""", Auth);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _harness.Create<IngestFunction>().Run(request, "track", cancelled.Token));
    }

    public static TheoryData<Exception> QueueFailures() => new()
    {
        // A busy or over-quota hub is a 429 (the adapter reports it as QueueThrottledException); other failures are 503.
        new EventHubsException(isTransient: true, "events", "the link dropped", EventHubsException.FailureReason.ServiceCommunicationProblem),
        new TimeoutException("send timed out"),
        new InvalidOperationException("connection closed"),
    };

    public void Dispose() => _harness.Dispose();

    private Task<Answer> IngestAsync(string route, string body) => IngestAsync(route, body, Auth);

    private async Task<Answer> IngestAsync(string route, string body, string? authorization)
    {
        var request = HttpRequests.Post("/v1/" + route, body, authorization);
        var result = await _harness.Create<IngestFunction>().Run(request, route, CancellationToken.None);
        return await result.ExecuteAsync(request);
    }

    private sealed class FailingQueue(Exception failure) : IEventQueue
    {
        public Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken) => Task.FromException(failure);
    }
}
