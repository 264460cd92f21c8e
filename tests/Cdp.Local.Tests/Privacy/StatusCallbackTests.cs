using System.Security.Cryptography;
using System.Text;
using Cdp.Core;
using Cdp.Core.Privacy;
using Cdp.Local.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Cdp.Local.Tests.Privacy;

public sealed class StatusCallbackTests
{
    private const string Secret = "a-shared-callback-secret-1234";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task NotifyAsync_ReceiverDownForTwoCalls_RetriedAndDeliveredOnceSigned()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailNext(2);

        await Notifier(attempts: 3).NotifyAsync(new PrivacyStatusChange("r-1", "completed", T0, null, [receiver.Url]), CancellationToken.None);

        var callback = Assert.Single(receiver.Received);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), callback.Body)), callback.Signature);
        Assert.Equal("cdp.example.com", callback.ProcessorDomain);
        Assert.Equal(("r-1", "completed", "cdp"), (callback.Json["subject_request_id"]!.GetValue<string>(), callback.Status,
            callback.Json["controller_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NotifyAsync_ReceiverDownLongerThanTheAttempts_GivesUpWithoutThrowingAndStillServesTheNextUrl()
    {
        await using var down = await CallbackReceiver.StartAsync();
        await using var up = await CallbackReceiver.StartAsync();
        down.FailNext(100);

        await Notifier(attempts: 2).NotifyAsync(new PrivacyStatusChange("r-2", "in_progress", T0, null, [down.Url, up.Url]), CancellationToken.None);

        Assert.Empty(down.Received);
        Assert.Equal("in_progress", Assert.Single(up.Received).Status);
    }

    [Fact]
    public async Task NotifyAsync_NothingListens_CompletesWithoutThrowing()
    {
        var change = new PrivacyStatusChange("r-3", "completed", T0, null, ["http://127.0.0.1:9/opendsr/callback"]);

        await Notifier(attempts: 2).NotifyAsync(change, CancellationToken.None);
    }

    private static HttpPrivacyStatusNotifier Notifier(int attempts)
    {
        var requests = new Mock<IPrivacyRequestStore>();
        requests.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<PrivacyRequest>?)null);
        var clients = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new HttpPrivacyStatusNotifier(
            clients,
            requests.Object,
            Options.Create(new PrivacyOptions { ControllerId = "cdp" }),
            Options.Create(new PrivacyCallbackOptions
            {
                CallbackSecret = Secret, ProcessorDomain = "cdp.example.com", CallbackAttempts = attempts, CallbackTimeoutSeconds = 5,
            }),
            TimeProvider.System,
            NullLogger<HttpPrivacyStatusNotifier>.Instance);
    }
}
