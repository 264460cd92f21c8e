using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using CsCheck;
using static Cdp.Core.Tests.Processing.PerPersonBatchingPropertyTests;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// Reading a batch's links and profiles in bulk before its first event must decide nothing differently from reading
/// each when an event first needs it: same profiles, links, timelines, history and merges, whatever the stores held.
/// </summary>
public sealed class BatchPrefetchPropertyTests
{
    private const int SeededProfiles = 4;

    /// <summary>The identifiers the streams draw from (<see cref="Identity.IdentityGraphPropertyTests.Event"/>).</summary>
    private static readonly Identifier[] Pool =
    [
        new("userId", "u0"), new("userId", "u1"), new("userId", "u2"),
        new("anonymousId", "a0"), new("anonymousId", "a1"), new("anonymousId", "a2"), new("anonymousId", "a3"),
        new("anonymousId", "a4"), new("anonymousId", "a5"), new("anonymousId", "a-fallback"),
        new("email", "e0@example.com"), new("email", "e1@example.com"), new("email", "e2@example.com"), new("email", "e3@example.com"),
        new("deviceId", "d0"), new("deviceId", "d1"), new("deviceId", "d2"),
    ];

    /// <summary>
    /// What the stores hold before the stream, in states only crashes and merges under way leave behind. For each pool
    /// identifier, the seeded profile it links to (-1: none; userId u{n} only ever to profile n, so no live profile
    /// holds two). For each seeded profile, its fate: -1 live, -2 missing (a link to it is repaired), or merged into
    /// a later one (chains). For each unlinked identifier, the stream message whose first delivery created a profile
    /// under the identifier's deterministic id and crashed before its links (-1: none).
    /// </summary>
    internal sealed record Seed(int[] Owners, int[] Fates, int[] Crashed);

    private static readonly Gen<Seed> Seeds = Gen.Select(
        Gen.Int[-2, SeededProfiles - 1].Array[Pool.Length],
        Gen.Int[0, 5].Array[SeededProfiles],
        Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, 29])).Array[Pool.Length])
        .Select((owners, fates, crashed) => new Seed(owners.Select(Owner).ToArray(), fates.Select(Fate).ToArray(), crashed));

    [Fact]
    public async Task Process_RandomStoresAndStreams_BulkReadsBeforeTheBatchEqualReadsWhenNeeded()
    {
        await Gen.Select(Seeds, Streams).SampleAsync(async (seed, s) =>
        {
            var events = ToEvents(s.Steps);
            using var bulk = Harness();
            using var lazy = Harness().Configure<ProcessingOptions>(o => o.PrefetchReads = false);
            foreach (var cdp in new[] { bulk, lazy })
            {
                await SeedAsync(cdp, seed);
                await SuppressAsync(cdp, s.Erased);
            }

            // Merges run between batches, so later batches also meet the tombstones the stream's own merges leave.
            var bulkMerges = await ProcessInBatchesAsync(bulk, events, s.Cuts, mergeBetweenBatches: true);
            var lazyMerges = await ProcessInBatchesAsync(lazy, events, s.Cuts, mergeBetweenBatches: true);

            Assert.Equal(Describe(lazyMerges), Describe(bulkMerges));
            Assert.Equal(await SnapshotAsync(lazy), await SnapshotAsync(bulk));
            Assert.Equal(Links(lazy), Links(bulk));
        }, iter: 60, threads: 1);
    }

    private static int Owner(int drawn, int identifier) => drawn < 0 ? -1 : identifier < 3 ? identifier : drawn;

    private static int Fate(int drawn, int profile) => drawn switch
    {
        < 2 => -1,
        2 => -2,
        _ when profile == SeededProfiles - 1 => -1,
        _ => profile + 1 + (drawn % (SeededProfiles - 1 - profile)),
    };

    private static async Task SeedAsync(CoreHarness cdp, Seed seed)
    {
        var at = TestOptions.Now.AddDays(-1);
        var ids = Pool.Select(cdp.Hasher.WithHash).ToArray();
        for (var k = 0; k < SeededProfiles; k++)
        {
            if (seed.Fates[k] == -2)
            {
                continue;
            }

            var profile = new Profile { Id = $"p-seed-{k}", CreatedAt = at, UpdatedAt = at, MergedInto = seed.Fates[k] >= 0 ? $"p-seed-{seed.Fates[k]}" : null };
            profile.Identifiers.AddRange(ids.Where((_, i) => seed.Owners[i] == k).Select(id => new ProfileIdentifier(id.Type, id.Value, id.IdentityId, at)));
            await cdp.Profiles.CreateAsync(profile, CancellationToken.None);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            if (seed.Owners[i] >= 0)
            {
                await cdp.Identities.TryCreateAsync(new IdentityLink(ids[i].IdentityId, $"p-seed-{seed.Owners[i]}", at, at), CancellationToken.None);
            }
            else if (seed.Crashed[i] >= 0)
            {
                await cdp.Profiles.CreateAsync(new Profile
                {
                    Id = BatchResolver.ProfileIdFor(ids[i]),
                    CreatedAt = at,
                    UpdatedAt = at,
                    Identifiers = { new ProfileIdentifier(ids[i].Type, ids[i].Value, ids[i].IdentityId, at) },
                    RecentMessageIds = { $"m-{seed.Crashed[i]}" },
                }, CancellationToken.None);
            }
        }
    }

    private static List<string> Describe(List<WorkflowInstance> merges) => merges.ConvertAll(m => $"{m.InstanceId}: {m.Status}");

    private static List<string> Links(CoreHarness cdp) =>
        [.. cdp.Identities.All.Select(l => $"{l.Id} -> {l.ProfileId}").Order(StringComparer.Ordinal)];
}
