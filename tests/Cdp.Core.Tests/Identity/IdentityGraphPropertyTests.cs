using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using CsCheck;

namespace Cdp.Core.Tests.Identity;

/// <summary>Random event streams through the real processor and merge workflow, checked against the graph's invariants.</summary>
public sealed class IdentityGraphPropertyTests
{
    private static readonly string[] Blocked = ["null", "unknown", "test@test.com", "0"];

    /// <summary>One event's identifiers, drawn from small pools so that streams collide often; some are placeholders.</summary>
    internal sealed record Ev(string? UserId, string? AnonymousId, string? Email, string? DeviceId);

    private static Gen<string?> Maybe(string prefix, int pool) =>
        Gen.Frequency(
            (3, (IGen<string?>)Gen.Const((string?)null)),
            (4, Gen.Int[0, pool - 1].Select(i => (string?)$"{prefix}{i}")),
            (1, Gen.OneOf(Blocked).Select(b => (string?)b)));

    internal static readonly Gen<Ev> Event =
        Gen.Select(Maybe("u", 3), Maybe("a", 6), Maybe("e", 4), Maybe("d", 3))
            .Select((u, a, e, d) => new Ev(u, a ?? (u is null ? "a-fallback" : null), e is null ? null : e.Contains('@') ? e : e + "@example.com", d));

    private static readonly Gen<(Ev[] Events, int[] Cuts, int Seed)> Stream =
        Gen.Select(Event.Array[1, 25], Gen.Int[1, 6].Array[1, 8], Gen.Int);

    internal static EventBuilder Build(Ev e, int index)
    {
        var b = EventBuilder.Track("Step").MessageId($"m-{index}").Timestamp(TestOptions.Now.AddSeconds(index));
        if (e.UserId is not null)
        {
            b = b.UserId(e.UserId);
        }

        if (e.AnonymousId is not null)
        {
            b = b.AnonymousId(e.AnonymousId);
        }

        if (e.Email is not null)
        {
            b = b.ContextTrait("email", e.Email);
        }

        return e.DeviceId is null ? b : b.DeviceId(e.DeviceId);
    }

    /// <summary>Processes the events in batches of the given sizes, running the requested merges after each batch.</summary>
    private static async Task<CoreHarness> RunAsync(IReadOnlyList<(Ev Event, int Index)> events, int[] cuts, bool unlimited)
    {
        var cdp = new CoreHarness();
        if (unlimited)
        {
            cdp.Configure<IdentityOptions>(o =>
            {
                foreach (var rule in o.Types.Values)
                {
                    rule.Limit = 10_000;
                }
            });
        }

        var position = 0;
        for (var c = 0; position < events.Count; c++)
        {
            var size = cuts[c % cuts.Length];
            var batch = events.Skip(position).Take(size).Select(x => Build(x.Event, x.Index)).ToArray();
            position += size;
            await cdp.ProcessAsync(batch);
            Assert.All(await cdp.RunMergesAsync(), m => Assert.Equal(WorkflowStatus.Completed, m.Status));
        }

        return cdp;
    }

    internal static async Task AssertInvariantsAsync(CoreHarness cdp, IEnumerable<Ev> events)
    {
        var live = await cdp.LiveProfilesAsync();
        var options = new IdentityOptions();

        // No mergedInto cycles: every chain ends at a live profile.
        foreach (var id in cdp.Profiles.Ids)
        {
            var seen = new HashSet<string>();
            var current = (await cdp.Profiles.GetAsync(id, CancellationToken.None))!.Value.Value;
            while (current.MergedInto is { } next)
            {
                Assert.True(seen.Add(current.Id), $"mergedInto cycle through {current.Id}");
                current = (await cdp.Profiles.GetAsync(next, CancellationToken.None))!.Value.Value;
            }
        }

        // Each identifier belongs to exactly one live profile, the one its link resolves to.
        var owners = live.SelectMany(p => p.Identifiers.Select(i => (i.IdentityId, p.Id))).ToList();
        Assert.Equal(owners.Count, owners.Select(o => o.IdentityId).Distinct().Count());
        foreach (var (identityId, owner) in owners)
        {
            var link = (await cdp.Identities.GetAsync(identityId, CancellationToken.None))!.Value.Value;
            var resolved = (await new LiveProfiles(cdp.Profiles).ResolveAsync(link.ProfileId, CancellationToken.None))!.Value.Value;
            Assert.Equal(owner, resolved.Id);
        }

        // Limits are never exceeded.
        foreach (var p in live)
        {
            foreach (var group in p.Identifiers.GroupBy(i => i.Type))
            {
                Assert.True(group.Count() <= options.RuleFor(group.Key).Limit, $"{p.Id} has {group.Count()} {group.Key}");
            }
        }

        // Blocked placeholder values never link anything.
        foreach (var value in Blocked)
        {
            foreach (var type in new[] { "userId", "anonymousId", "email", "deviceId" })
            {
                Assert.Null(await cdp.Identities.GetAsync(cdp.Hasher.IdentityId(new(type, value)), CancellationToken.None));
            }
        }

        // Every event that identifies someone is counted exactly once.
        var identified = events.Count(e => new[] { e.UserId, e.AnonymousId, e.Email, e.DeviceId }.Any(v => v is not null && !Blocked.Contains(v)));
        Assert.Equal(identified, live.Sum(p => p.Computed.EventCount));
        Assert.Equal(identified, live.Sum(p => cdp.Timeline.EventsOf(p.Id).Count));
    }

    private static HashSet<string> Grouping(IEnumerable<Profile> live) =>
        live.Select(p => string.Join(",", p.Identifiers.Select(i => i.IdentityId).Order(StringComparer.Ordinal))).ToHashSet();

    [Fact]
    public async Task Process_RandomStreams_KeepTheGraphInvariants()
    {
        await Stream.SampleAsync(async s =>
        {
            using var cdp = await RunAsync(s.Events.Select((e, i) => (e, i)).ToList(), s.Cuts, unlimited: false);
            await AssertInvariantsAsync(cdp, s.Events);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task Process_AnyOrderWithoutLimitConflicts_EndsInTheSameGrouping()
    {
        await Stream.SampleAsync(async s =>
        {
            var indexed = s.Events.Select((e, i) => (e, i)).ToList();
            var shuffled = indexed.ToArray();
            new Random(s.Seed).Shuffle(shuffled);

            using var inOrder = await RunAsync(indexed, s.Cuts, unlimited: true);
            using var reordered = await RunAsync(shuffled, [.. s.Cuts.Reverse()], unlimited: true);

            Assert.Equal(Grouping(await inOrder.LiveProfilesAsync()), Grouping(await reordered.LiveProfilesAsync()));
        }, iter: 40, threads: 1);
    }
}
