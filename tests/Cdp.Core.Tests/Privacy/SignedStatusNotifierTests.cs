using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Tests.Privacy;
using Cdp.Tests.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Privacy;

/// <summary>
/// The one status notifier both hosts use: the v3 callback body, its signature and processor domain, and delivery with
/// retries. Pauses run on a clock that jumps to each timer as it is set, so the retry schedule is checked exactly and
/// nothing waits; the network is a recording handler, or a real receiver on 127.0.0.1 that checks the signature itself.
/// </summary>
public sealed class SignedStatusNotifierTests
{
    private const string Secret = "a-shared-callback-secret";
    private const string RequestId = "7f9c2a51-1d7e-4c3a-9a53-5f1f0e3b8d21";
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expected = At.AddDays(30);
    private readonly JumpingTimeProvider _time = new(At);
    private readonly RecordingHandler _handler;

    public SignedStatusNotifierTests() => _handler = new RecordingHandler(_time);

    [Fact]
    public async Task NotifyAsync_AccessCompleted_PostsTheV3CallbackSignedWithTheSecret()
    {
        var notifier = Notifier(new() { CallbackSecret = Secret, ProcessorDomain = "cdp.example.com" });

        await notifier.NotifyAsync(Change(PrivacyRequestTypes.Access, "https://dsr.example.com/cb?token=t1"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        Assert.Equal(new Uri("https://dsr.example.com/cb?token=t1"), sent.Url);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal("cdp.example.com", sent.ProcessorDomain);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), sent.Body)), sent.Signature);
        using var body = JsonDocument.Parse(sent.Body);
        var root = body.RootElement;
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        Assert.Equal("acme", root.GetProperty("controller_id").GetString());
        Assert.Equal(RequestId, root.GetProperty("subject_request_id").GetString());
        Assert.Equal("completed", root.GetProperty("request_status").GetString());
        Assert.Equal(Expected, root.GetProperty("expected_completion_time").GetDateTimeOffset());
        Assert.Equal("https://dsr.example.com/cb?token=t1", root.GetProperty("status_callback_url").GetString());
        Assert.Equal($"/api/privacy/requests/{RequestId}/results", root.GetProperty("results_url").GetString());
        Assert.Equal("batch-7", root.GetProperty("group_id").GetString());
        Assert.Equal("access", root.GetProperty("subject_request_type").GetString());
        Assert.Equal(At, root.GetProperty("status_time").GetDateTimeOffset());
        Assert.False(root.TryGetProperty("certificate_url", out _));
    }

    [Fact]
    public async Task NotifyAsync_ErasureCompleted_ResultsUrlNullCertificateNamedAndNoIdentities()
    {
        var notifier = Notifier(new() { CallbackSecret = Secret });

        await notifier.NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("results_url").ValueKind);
        Assert.Equal($"/api/privacy/requests/{RequestId}/certificate", body.RootElement.GetProperty("certificate_url").GetString());
        Assert.DoesNotContain("jane@example.com", Encoding.UTF8.GetString(sent.Body), StringComparison.Ordinal);
        Assert.Equal("localhost", sent.ProcessorDomain);
    }

    [Fact]
    public async Task NotifyAsync_BodyAlteredInTransit_NoLongerVerifies()
    {
        var notifier = Notifier(new() { CallbackSecret = Secret });

        await notifier.NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sent.Body).Replace("completed", "cancelled", StringComparison.Ordinal));
        Assert.True(SignedStatusNotifier.Verify(Secret, sent.Body, sent.Signature));
        Assert.False(SignedStatusNotifier.Verify(Secret, altered, sent.Signature));
        Assert.False(SignedStatusNotifier.Verify(Secret + "x", sent.Body, sent.Signature));
        Assert.False(SignedStatusNotifier.Verify(Secret, sent.Body, null));
    }

    [Fact]
    public async Task NotifyAsync_NoSecret_SendsNothing()
    {
        await Notifier(new()).NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Empty(_handler.Sent);
    }

    [Fact]
    public async Task NotifyAsync_BusyThenFailingThenOk_TriesAgainAfterGrowingPauses()
    {
        _handler.Answers.Enqueue(HttpStatusCode.TooManyRequests);
        _handler.Answers.Enqueue(HttpStatusCode.ServiceUnavailable);

        await Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 4 })
            .NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], _time.Delays);
        Assert.Equal([At, At.AddMilliseconds(500), At.AddMilliseconds(1500)], _handler.Sent.Select(s => s.SentAt));
        Assert.Single(_handler.Sent.Select(s => s.Signature).Distinct());
    }

    [Fact]
    public async Task NotifyAsync_Refused_DoesNotTryAgain()
    {
        _handler.Answers.Enqueue(HttpStatusCode.BadRequest);

        await Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 4 })
            .NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Single(_handler.Sent);
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task NotifyAsync_OneUrlUnreachableOneInvalidOneTwice_GivesUpOnThoseAndDeliversTheOthersOnceWithoutThrowing()
    {
        _handler.Unreachable.Add("down.example.com");

        await Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 2 }).NotifyAsync(
            Change(PrivacyRequestTypes.Erasure, "https://down.example.com/cb", "not a url", "https://dsr.example.com/cb", "https://dsr.example.com/cb"),
            CancellationToken.None);

        Assert.Equal(["down.example.com", "down.example.com", "dsr.example.com"], _handler.Sent.Select(s => s.Url.Host));
    }

    [Fact]
    public async Task NotifyAsync_CallerCancels_Propagates()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Notifier(new() { CallbackSecret = Secret })
            .NotifyAsync(Change(PrivacyRequestTypes.Erasure, "https://dsr.example.com/cb"), cancelled.Token));
    }

    [Fact]
    public async Task NotifyAsync_ReceiverDownForTwoCalls_RetriedAndAcceptedOnceByAReceiverCheckingTheSignature()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret);
        receiver.FailNext(2);

        await Notifier(new() { CallbackSecret = Secret, ProcessorDomain = "cdp.example.com", CallbackAttempts = 3 }, Network())
            .NotifyAsync(Change(PrivacyRequestTypes.Erasure, receiver.Url), CancellationToken.None);

        var callback = Assert.Single(receiver.Received);
        Assert.Empty(receiver.Refusals);
        Assert.Equal(("cdp.example.com", "application/json"), (callback.ProcessorDomain, callback.ContentType));
        Assert.Equal((RequestId, "completed", "acme"), (callback.Json["subject_request_id"]!.GetValue<string>(), callback.Status,
            callback.Json["controller_id"]!.GetValue<string>()));
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], _time.Delays);
    }

    [Fact]
    public async Task NotifyAsync_ReceiverHoldsAnotherSecret_RefusedOnceAndGivenUpWithoutThrowing()
    {
        await using var receiver = await CallbackReceiver.StartAsync("the-receivers-own-secret-0000");
        await using var other = await CallbackReceiver.StartAsync(Secret);

        await Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 3 }, Network())
            .NotifyAsync(Change(PrivacyRequestTypes.Access, receiver.Url, other.Url), CancellationToken.None);

        Assert.Empty(receiver.Received);
        Assert.Equal(["signature does not match the body"], receiver.Refusals);
        Assert.Equal("completed", Assert.Single(other.Received).Status);
    }

    [Fact]
    public async Task NotifyAsync_NothingListens_CompletesWithoutThrowing()
    {
        await Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 2 }, Network())
            .NotifyAsync(Change(PrivacyRequestTypes.Erasure, "http://127.0.0.1:9/opendsr/callback"), CancellationToken.None);

        Assert.Equal([TimeSpan.FromMilliseconds(500)], _time.Delays);
    }

    private static PrivacyStatusChange Change(string type, params string[] urls) =>
        new(RequestId, PrivacyRequestStatuses.Completed, At, PrivacyRequests.ResultsUrlFor(RequestId), urls)
        {
            Type = type,
            ExpectedCompletionTime = Expected,
            GroupId = "batch-7",
        };

    private static Clients Network() => new(new SocketsHttpHandler());

    private SignedStatusNotifier Notifier(PrivacyCallbackOptions options, Clients? clients = null) => new(
        clients ?? new Clients(_handler),
        Options.Create(options),
        Options.Create(new PrivacyOptions { ControllerId = "acme" }),
        _time,
        NullLogger<SignedStatusNotifier>.Instance);

    /// <summary>Hands out clients over one handler, as the host's factory does over its pooled one.</summary>
    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed record SentCallback(Uri Url, DateTimeOffset SentAt, string? ContentType, string? Signature, string? ProcessorDomain, byte[] Body);

    /// <summary>Stands in for the network: records each request and answers from a queue (200 when it is empty).</summary>
    private sealed class RecordingHandler(TimeProvider clock) : HttpMessageHandler
    {
        public List<SentCallback> Sent { get; } = [];

        public Queue<HttpStatusCode> Answers { get; } = new();

        public HashSet<string> Unreachable { get; } = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Sent.Add(new SentCallback(
                request.RequestUri!,
                clock.GetUtcNow(),
                request.Content.Headers.ContentType?.MediaType,
                Header(request, OpenDsr.SignatureHeader),
                Header(request, OpenDsr.ProcessorDomainHeader),
                body));
            if (Unreachable.Contains(request.RequestUri!.Host))
            {
                throw new HttpRequestException(HttpRequestError.NameResolutionError);
            }

            return new HttpResponseMessage(Answers.TryDequeue(out var status) ? status : HttpStatusCode.OK);
        }

        private static string? Header(HttpRequestMessage request, string name) =>
            request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
    }
}
