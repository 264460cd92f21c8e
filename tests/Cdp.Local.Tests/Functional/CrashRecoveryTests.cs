using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

/// <summary>A 200 means the event is kept: even if the process is killed before processing it.</summary>
public sealed class CrashRecoveryTests
{
    private const string Key = "--Cdp:Local:DefaultWriteKey=crash-test-key";

    [Fact]
    public async Task KillHard_AfterAcknowledgingEvents_RestartedHostProcessesEveryOne()
    {
        using var data = new TempDataDirectory();
        const int Users = 8;
        await using (var ingestOnly = await ChildHost.StartAsync(data.Path, Key, "--Cdp:Local:Processing:Enabled=false"))
        {
            var client = ingestOnly.Client("crash-test-key");
            for (var u = 0; u < Users; u++)
            {
                var batch = await client.PostAsync("/v1/batch", Events.Batch(
                    Events.Identify($"crash-{u}", $"crash-{u}@example.com", $"crash-{u}-identify"),
                    Events.Track($"crash-{u}", "Checkout", $"crash-{u}-track-1"),
                    Events.Track($"crash-{u}", "Checkout", $"crash-{u}-track-2")));
                Assert.Equal(HttpStatusCode.OK, batch.Status);
                Assert.Equal(3, batch.Accepted);
            }

            var single = await client.PostAsync("/v1/page", Events.Single(Events.Page("crash-0", "crash-0-page")));
            Assert.Equal(HttpStatusCode.OK, single.Status);
            Assert.Equal(3 * Users + 1, await client.OutboxCountAsync());

            ingestOnly.KillHard();
        }

        await using var restarted = await ChildHost.StartAsync(data.Path, Key);
        var after = restarted.Client("crash-test-key");
        for (var u = 0; u < Users; u++)
        {
            var expected = u == 0 ? 4 : 3;
            var profile = await after.WaitForProfileAsync("email", $"crash-{u}@example.com", p => p.EventCount() >= expected);
            Assert.Equal(expected, profile.EventCount());
            Assert.Equal(2, profile.CountOf("Checkout"));
        }

        await after.WaitForEmptyOutboxAsync();
    }
}
