using System.Net;
using System.Text;
using System.Text.Json;
using Cdp.Azure.Privacy;
using Cdp.Core;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class SignedCallbackNotifierTests
{
    private const string Secret = "a-shared-callback-secret";
    private const string RequestId = "7f9c2a51-1d7e-4c3a-9a53-5f1f0e3b8d21";
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly RecordingHandler _handler = new();
    private readonly FakeTimeProvider _time = new(At);
    private readonly Mock<IPrivacyRequestStore> _requests = new();

    public SignedCallbackNotifierTests()
    {
        _handler.Clock = _time;
        Stored(TestRequests.New(RequestId, PrivacyRequestStatuses.Completed) with { Type = PrivacyRequestTypes.Access });
    }

    [Fact]
    public async Task NotifyAsync_AccessCompleted_PostsTheOpenDsrCallbackSignedWithTheSecret()
    {
        using var notifier = Notifier(new() { CallbackSecret = Secret, ProcessorDomain = "cdp.example.com" });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb?token=t1"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        Assert.Equal(new Uri("https://dsr.example.com/cb?token=t1"), sent.Url);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal("cdp.example.com", sent.ProcessorDomain);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), sent.Body)), sent.Signature);
        using var body = JsonDocument.Parse(sent.Body);
        var root = body.RootElement;
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        Assert.Equal("acme", root.GetProperty("controller_id").GetString());
        Assert.Equal(RequestId, root.GetProperty("subject_request_id").GetString());
        Assert.Equal("completed", root.GetProperty("request_status").GetString());
        Assert.Equal("access", root.GetProperty("subject_request_type").GetString());
        Assert.Equal("https://dsr.example.com/cb?token=t1", root.GetProperty("status_callback_url").GetString());
        Assert.Equal(At, root.GetProperty("status_time").GetDateTimeOffset());
        Assert.Equal(TestRequests.Received.AddDays(30), root.GetProperty("expected_completion_time").GetDateTimeOffset());
        Assert.Equal($"/api/privacy/requests/{RequestId}/results", root.GetProperty("results_url").GetString());
        Assert.False(root.TryGetProperty("certificate_url", out _));
    }

    [Fact]
    public async Task NotifyAsync_ErasureCompleted_NamesTheCertificateAndNoIdentities()
    {
        Stored(TestRequests.New(RequestId, PrivacyRequestStatuses.Completed));
        using var notifier = Notifier(new() { CallbackSecret = Secret });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal($"/api/privacy/requests/{RequestId}/certificate", body.RootElement.GetProperty("certificate_url").GetString());
        Assert.False(body.RootElement.TryGetProperty("results_url", out _));
        Assert.DoesNotContain("jane@example.com", Encoding.UTF8.GetString(sent.Body), StringComparison.Ordinal);
        Assert.Null(sent.ProcessorDomain);
    }

    [Fact]
    public async Task NotifyAsync_BodyAlteredInTransit_NoLongerMatchesTheSignature()
    {
        using var notifier = Notifier(new() { CallbackSecret = Secret });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sent.Body).Replace("completed", "cancelled", StringComparison.Ordinal));
        Assert.Equal(SignedCallbackNotifier.Sign(Secret, sent.Body), sent.Signature);
        Assert.NotEqual(sent.Signature, SignedCallbackNotifier.Sign(Secret, altered));
        Assert.NotEqual(sent.Signature, SignedCallbackNotifier.Sign(Secret + "x", sent.Body));
    }

    [Fact]
    public async Task NotifyAsync_NoSecret_SendsNothing()
    {
        using var notifier = Notifier(new());

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Empty(_handler.Sent);
    }

    [Fact]
    public async Task NotifyAsync_BusyThenFailingThenOk_TriesAgainAfterGrowingPauses()
    {
        _handler.Answers.Enqueue(HttpStatusCode.TooManyRequests);
        _handler.Answers.Enqueue(HttpStatusCode.ServiceUnavailable);
        using var notifier = Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 4 });

        await WithTimePassingAsync(notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None));

        Assert.Equal(3, _handler.Sent.Count);
        Assert.Single(_handler.Sent.Select(s => s.Signature).Distinct());
        Assert.Equal([At, At.AddMilliseconds(500), At.AddMilliseconds(1500)], _handler.Sent.Select(s => s.SentAt));
    }

    [Fact]
    public async Task NotifyAsync_Refused_DoesNotTryAgain()
    {
        _handler.Answers.Enqueue(HttpStatusCode.BadRequest);
        using var notifier = Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 4 });

        await WithTimePassingAsync(notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None));

        Assert.Single(_handler.Sent);
    }

    [Fact]
    public async Task NotifyAsync_OneUrlUnreachable_GivesItUpAndStillDeliversToTheOthersWithoutThrowing()
    {
        _handler.Unreachable.Add("down.example.com");
        using var notifier = Notifier(new() { CallbackSecret = Secret, CallbackAttempts = 2 });

        await WithTimePassingAsync(notifier.NotifyAsync(
            Change("https://down.example.com/cb", "not a url", "https://dsr.example.com/cb"), CancellationToken.None));

        Assert.Equal(["down.example.com", "down.example.com", "dsr.example.com"], _handler.Sent.Select(s => s.Url.Host));
    }

    [Fact]
    public async Task NotifyAsync_CallerCancels_Propagates()
    {
        using var notifier = Notifier(new() { CallbackSecret = Secret });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => notifier.NotifyAsync(Change("https://dsr.example.com/cb"), cancelled.Token));
    }

    /// <summary>Moves the fake clock on while <paramref name="delivery"/> waits between tries; bounded, never sleeps.</summary>
    private async Task WithTimePassingAsync(Task delivery)
    {
        for (var step = 0; !delivery.IsCompleted && step < 10_000; step++)
        {
            await Task.Yield();
            if (!delivery.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        await delivery;
    }

    private void Stored(PrivacyRequest request) =>
        _requests.Setup(r => r.GetAsync(RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<PrivacyRequest>(request, "\"e1\""));

    private static PrivacyStatusChange Change(params string[] urls) =>
        new(RequestId, PrivacyRequestStatuses.Completed, At, PrivacyRequests.ResultsUrlFor(RequestId), urls);

    private SignedCallbackNotifier Notifier(PrivacyCallbackOptions options) => new(
        _handler,
        _requests.Object,
        Options.Create(options),
        Options.Create(new PrivacyOptions { ControllerId = "acme" }),
        _time,
        NullLogger<SignedCallbackNotifier>.Instance);

    private sealed record SentCallback(Uri Url, DateTimeOffset SentAt, string? ContentType, string? Signature, string? ProcessorDomain, byte[] Body);

    /// <summary>Stands in for the network: records each request and answers from a queue (200 when it is empty).</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<SentCallback> Sent { get; } = [];

        public Queue<HttpStatusCode> Answers { get; } = new();

        public HashSet<string> Unreachable { get; } = new(StringComparer.Ordinal);

        public FakeTimeProvider? Clock { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Sent.Add(new SentCallback(
                request.RequestUri!,
                Clock?.GetUtcNow() ?? default,
                request.Content.Headers.ContentType?.MediaType,
                Header(request, SignedCallbackNotifier.SignatureHeader),
                Header(request, SignedCallbackNotifier.ProcessorDomainHeader),
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
