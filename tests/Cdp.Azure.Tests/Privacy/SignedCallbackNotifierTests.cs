using System.Net;
using System.Text;
using System.Text.Json;
using Cdp.Azure.Privacy;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Azure.Tests.Privacy;

public sealed class SignedCallbackNotifierTests
{
    private const string Key = "0123456789abcdef0123456789abcdef-test-key";
    private const string RequestId = "7f9c2a51-1d7e-4c3a-9a53-5f1f0e3b8d21";
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly RecordingHandler _handler = new();

    [Fact]
    public async Task NotifyAsync_Completed_PostsTheOpenDsrStatusSignedWithTheKey()
    {
        using var notifier = Notifier(new() { SigningKey = Key, PublicBaseUri = new Uri("https://cdp.example.com") });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb?token=t1"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        Assert.Equal(new Uri("https://dsr.example.com/cb?token=t1"), sent.Url);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal(SignedCallbackNotifier.Sign(Encoding.UTF8.GetBytes(Key), sent.Body), sent.Signature);
        using var body = JsonDocument.Parse(sent.Body);
        var root = body.RootElement;
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        Assert.Equal("acme", root.GetProperty("controller_id").GetString());
        Assert.Equal(RequestId, root.GetProperty("subject_request_id").GetString());
        Assert.Equal("completed", root.GetProperty("request_status").GetString());
        Assert.Equal("https://dsr.example.com/cb?token=t1", root.GetProperty("status_callback_url").GetString());
        Assert.Equal($"https://cdp.example.com/api/privacy/requests/{RequestId}/results", root.GetProperty("results_url").GetString());
    }

    [Fact]
    public async Task NotifyAsync_BodyAlteredInTransit_NoLongerMatchesTheSignature()
    {
        using var notifier = Notifier(new() { SigningKey = Key });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        var sent = Assert.Single(_handler.Sent);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sent.Body).Replace("completed", "cancelled", StringComparison.Ordinal));
        Assert.NotEqual(sent.Signature, SignedCallbackNotifier.Sign(Encoding.UTF8.GetBytes(Key), altered));
        Assert.NotEqual(sent.Signature, SignedCallbackNotifier.Sign(Encoding.UTF8.GetBytes(Key + "x"), sent.Body));
    }

    [Fact]
    public async Task NotifyAsync_NoSigningKey_SendsNothing()
    {
        using var notifier = Notifier(new());

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Empty(_handler.Sent);
    }

    [Fact]
    public async Task NotifyAsync_ServerErrorThenSuccess_TriesAgain()
    {
        _handler.Answers.Enqueue(HttpStatusCode.ServiceUnavailable);
        _handler.Answers.Enqueue(HttpStatusCode.TooManyRequests);
        using var notifier = Notifier(new() { SigningKey = Key, MaxAttempts = 3 });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Equal(3, _handler.Sent.Count);
        Assert.Single(_handler.Sent.Select(s => s.Signature).Distinct());
    }

    [Fact]
    public async Task NotifyAsync_Refused_DoesNotTryAgain()
    {
        _handler.Answers.Enqueue(HttpStatusCode.BadRequest);
        using var notifier = Notifier(new() { SigningKey = Key, MaxAttempts = 3 });

        await notifier.NotifyAsync(Change("https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Single(_handler.Sent);
    }

    [Fact]
    public async Task NotifyAsync_OneUrlUnreachable_StillDeliversToTheOthersWithoutThrowing()
    {
        _handler.Unreachable.Add("down.example.com");
        using var notifier = Notifier(new() { SigningKey = Key, MaxAttempts = 2 });

        await notifier.NotifyAsync(Change("https://down.example.com/cb", "not a url", "https://dsr.example.com/cb"), CancellationToken.None);

        Assert.Equal(["down.example.com", "down.example.com", "dsr.example.com"], _handler.Sent.Select(s => s.Url.Host));
    }

    [Fact]
    public async Task NotifyAsync_CallerCancels_Propagates()
    {
        using var notifier = Notifier(new() { SigningKey = Key });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => notifier.NotifyAsync(Change("https://dsr.example.com/cb"), cancelled.Token));
    }

    private static PrivacyStatusChange Change(params string[] urls) =>
        new(RequestId, PrivacyRequestStatuses.Completed, At, PrivacyRequests.ResultsUrlFor(RequestId), urls);

    private SignedCallbackNotifier Notifier(PrivacyCallbackOptions options)
    {
        options.RetryDelay = TimeSpan.Zero;
        return new SignedCallbackNotifier(
            _handler,
            Options.Create(options),
            Options.Create(new PrivacyOptions { ControllerId = "acme" }),
            new FakeTimeProvider(At),
            NullLogger<SignedCallbackNotifier>.Instance);
    }

    private sealed record SentCallback(Uri Url, string? ContentType, string? Signature, byte[] Body);

    /// <summary>Stands in for the network: records each request and answers from a queue (200 when it is empty).</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<SentCallback> Sent { get; } = [];

        public Queue<HttpStatusCode> Answers { get; } = new();

        public HashSet<string> Unreachable { get; } = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Sent.Add(new SentCallback(request.RequestUri!, request.Content.Headers.ContentType?.MediaType,
                request.Headers.TryGetValues(SignedCallbackNotifier.SignatureHeader, out var values) ? values.Single() : null, body));
            if (Unreachable.Contains(request.RequestUri!.Host))
            {
                throw new HttpRequestException(HttpRequestError.NameResolutionError);
            }

            return new HttpResponseMessage(Answers.TryDequeue(out var status) ? status : HttpStatusCode.OK);
        }
    }
}
