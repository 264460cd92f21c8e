using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Identity;

/// <summary>
/// A merge found in the batch that created the profiles must not run before that batch commits (it would see no
/// profiles and conclude there is nothing to merge): the host hands merges to the workflow runner after the commit.
/// </summary>
public sealed class MergeInNewBatchTests
{
    [Fact]
    public async Task Batch_CreatesTwoProfilesAndLinksThem_MergeJoinsThemOnceTheBatchCommits()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path);
        var client = factory.CreateCdpClient();

        // The way an SDK flush arrives: browsing, a login, and the call that links the two, in one request.
        var response = await client.PostAsync("/v1/batch", Calls.Batch(
            Calls.Page("new-batch-anon", "new-batch-page"),
            Calls.Identify("new-batch-user", "new-batch-identify", email: "new-batch@example.com"),
            Calls.Track("new-batch-user", "new-batch-anon", "new-batch-link")));
        Assert.Equal(3, response.Accepted);

        var byUser = await Poll.UntilAsync(
            async () => (await client.FindProfileAsync("userId", "new-batch-user"), await client.FindProfileAsync("anonymousId", "new-batch-anon")),
            found => found.Item1 is not null && found.Item2?.Id() == found.Item1.Id() && found.Item1.EventCount() == 3,
            "the anonymous and the logged-in profile to be merged into one with all 3 events");
        Assert.Equal(3, byUser.Item1!.EventCount());
    }
}
