using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

public sealed class DeduplicationTests
{
    [Fact]
    public async Task Post_SameMessageIdTwiceAndAcrossRestart_CountedOnce()
    {
        using var data = new TempDataDirectory();
        using (var first = new LocalHostFactory(data.Path))
        {
            var client = first.CreateCdpClient();
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/identify", Events.Single(Events.Identify("dedup-1", "dedup@example.com", "msg-identify")))).Status);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/identify", Events.Single(Events.Identify("dedup-1", "dedup@example.com", "msg-identify")))).Status);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/batch", Events.Batch(
                Events.Track("dedup-1", "Viewed", "msg-track"),
                Events.Track("dedup-1", "Viewed", "msg-track")))).Status);

            await client.WaitForEmptyOutboxAsync();
            var profile = await client.WaitForProfileAsync("userId", "dedup-1", p => p.EventCount() >= 2);
            Assert.Equal(2, profile.EventCount());
            Assert.Equal(1, profile.CountOf("identify"));
            Assert.Equal(1, profile.CountOf("Viewed"));
        }

        // A new process on the same data: the dedup record and the profile survived, so a redelivery still counts once.
        using var second = new LocalHostFactory(data.Path);
        var again = second.CreateCdpClient();
        Assert.Equal(HttpStatusCode.OK, (await again.PostAsync("/v1/batch", Events.Batch(
            Events.Identify("dedup-1", "dedup@example.com", "msg-identify"),
            Events.Track("dedup-1", "Viewed", "msg-track"),
            Events.Track("dedup-1", "Viewed", "msg-track-new")))).Status);

        await again.WaitForEmptyOutboxAsync();
        var after = await again.WaitForProfileAsync("email", "dedup@example.com", p => p.EventCount() >= 3);
        Assert.Equal(3, after.EventCount());
        Assert.Equal(1, after.CountOf("identify"));
        Assert.Equal(2, after.CountOf("Viewed"));
    }
}
