using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// A batch reads its links and profiles in bulk before resolving its events: in Cosmos DB a point read is a request,
/// so reading them one by one cost several requests an event.
/// </summary>
public sealed class BatchPrefetchTests : IDisposable
{
    private const int People = 40;

    private readonly CoreHarness _cdp;
    private CountingIdentityIndex? _identities;
    private CountingProfileStore? _profiles;

    public BatchPrefetchTests() =>
        _cdp = new CoreHarness()
            .Decorate<IIdentityIndex>(inner => _identities = new CountingIdentityIndex(inner))
            .Decorate<IProfileStore>(inner => _profiles = new CountingProfileStore(inner));

    public void Dispose() => _cdp.Dispose();

    [Fact]
    public async Task Process_BatchOfKnownPeople_ReadsLinksAndProfilesInOneBulkReadEachAndNoPointRead()
    {
        await _cdp.ProcessAsync(Enumerable.Range(0, People)
            .Select(i => EventBuilder.Identify().UserId($"u-{i}").ContextTrait("email", $"p{i}@example.com").MessageId($"m-first-{i}")).ToArray());
        ResetCounts();

        // Each known person comes back on a new device: two linked identifiers and one new one an event.
        var summary = await _cdp.ProcessAsync(Enumerable.Range(0, People)
            .Select(i => EventBuilder.Track("Product Viewed").UserId($"u-{i}").ContextTrait("email", $"p{i}@example.com")
                .AnonymousId($"a-{i}").MessageId($"m-second-{i}")).ToArray());

        Assert.Equal(People, summary.ProfilesUpdated);
        Assert.Equal((1, 0), (_identities!.BulkReads, _identities.PointReads));
        Assert.Equal((1, 0), (_profiles!.BulkReads, _profiles.PointReads));
        var profile = await _cdp.ProfileAsync("anonymousId", "a-7");
        Assert.Equal((await _cdp.ProfileAsync("userId", "u-7")).Id, profile.Id);
        Assert.Equal(2, profile.Computed.EventCount);
    }

    [Fact]
    public async Task Process_BatchOfNewPeopleSeenTwiceEach_ReadsNothingAgainThatTheBulkReadsFoundMissing()
    {
        var events = Enumerable.Range(0, People)
            .SelectMany(i => new[]
            {
                EventBuilder.Page("Home").AnonymousId($"a-{i}").MessageId($"m-{i}-1"),
                EventBuilder.Identify().AnonymousId($"a-{i}").UserId($"u-{i}").MessageId($"m-{i}-2"),
            })
            .ToArray();

        var summary = await _cdp.ProcessAsync(events);

        Assert.Equal(People, summary.ProfilesCreated);
        Assert.Equal((1, 0), (_identities!.BulkReads, _identities.PointReads));
        Assert.Equal((1, 0), (_profiles!.BulkReads, _profiles.PointReads));
        Assert.Equal((await _cdp.ProfileAsync("userId", "u-3")).Id, (await _cdp.ProfileAsync("anonymousId", "a-3")).Id);
    }

    [Fact]
    public async Task Process_IdentifierLinkedToMergedAwayProfile_LandsOnTheSurvivorWhichIsReadByItself()
    {
        var identityId = _cdp.Hasher.IdentityId(new Identifier("userId", "u-9"));
        var at = _cdp.Time.GetUtcNow();
        await _cdp.Profiles.CreateAsync(new Profile { Id = "p-survivor", CreatedAt = at, UpdatedAt = at, Identifiers = { new ProfileIdentifier("userId", "u-9", identityId, at) } }, CancellationToken.None);
        await _cdp.Profiles.CreateAsync(new Profile { Id = "p-merged", CreatedAt = at, UpdatedAt = at, MergedInto = "p-survivor" }, CancellationToken.None);
        await _cdp.Identities.TryCreateAsync(new IdentityLink(identityId, "p-merged", at, at), CancellationToken.None);
        ResetCounts();

        await _cdp.ProcessAsync(EventBuilder.Track("Order Completed").UserId("u-9").MessageId("m-1"));

        // The bulk read found the tombstone; where it points could only be known after it.
        Assert.Equal((1, 1), (_profiles!.BulkReads, _profiles.PointReads));
        Assert.Equal(1, (await _cdp.Profiles.GetAsync("p-survivor", CancellationToken.None))!.Value.Value.Computed.EventCount);
        Assert.Single(_cdp.Timeline.EventsOf("p-survivor"));
    }

    private void ResetCounts()
    {
        // Resolving the ports is what puts the counters in front of them.
        _cdp.Services.GetRequiredService<IIdentityIndex>();
        _cdp.Services.GetRequiredService<IProfileStore>();
        _identities!.Reset();
        _profiles!.Reset();
    }
}
