using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using CsCheck;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Identity;

public sealed class IdentityGraphTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly IdentityGraph _graph = new(Options.Create(new IdentityOptions { Pepper = "pepper-for-tests-0001" }));

    private static HashedIdentifier Id(string type, string value) => new(type, value, $"{type}:{value}");

    private static Profile ProfileWith(string id, DateTimeOffset createdAt, params HashedIdentifier[] ids) => new()
    {
        Id = id,
        CreatedAt = createdAt,
        Identifiers = [.. ids.Select(i => new ProfileIdentifier(i.Type, i.Value, i.IdentityId, createdAt))],
    };

    [Fact]
    public void Decide_NothingLinked_KeepsEveryIdentifierForANewProfile()
    {
        var ids = new[] { Id("anonymousId", "a1"), Id("userId", "u1"), Id("email", "e1") };

        var decision = _graph.Decide(ids, new Dictionary<string, Profile>());

        Assert.Null(decision.Target);
        Assert.Equal(3, decision.Keep.Count);
        Assert.Empty(decision.Dropped);
        Assert.Equal("userId", decision.Keep[0].Type);
    }

    [Fact]
    public void Decide_LoginOnAnonymousProfile_MergesAnonymousIntoUserProfile()
    {
        var anonymous = ProfileWith("p-anon", T0, Id("anonymousId", "a1"));
        var user = ProfileWith("p-user", T0.AddDays(1), Id("userId", "u1"));
        var linked = new Dictionary<string, Profile> { ["anonymousId:a1"] = anonymous, ["userId:u1"] = user };

        var decision = _graph.Decide([Id("anonymousId", "a1"), Id("userId", "u1")], linked);

        // The profile holding the userId survives even though the anonymous one is older.
        Assert.Equal("p-user", decision.Target!.Id);
        Assert.Equal(["p-anon"], decision.MergeIntoTarget.Select(p => p.Id));
        Assert.Empty(decision.Dropped);
    }

    [Fact]
    public void Decide_SharedDeviceWithSecondUser_DropsTheDeviceInsteadOfMergingTwoUsers()
    {
        var first = ProfileWith("p-1", T0, Id("userId", "u1"), Id("anonymousId", "a1"));
        var linked = new Dictionary<string, Profile> { ["anonymousId:a1"] = first };

        var decision = _graph.Decide([Id("userId", "u2"), Id("anonymousId", "a1")], linked);

        Assert.Null(decision.Target);
        Assert.Equal(["userId:u2"], decision.Keep.Select(k => k.IdentityId));
        var dropped = Assert.Single(decision.Dropped);
        Assert.Equal("anonymousId:a1", dropped.IdentityId);
        Assert.Contains("userId", dropped.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.MergeIntoTarget);
    }

    [Fact]
    public void Decide_SixthEmail_IsDroppedAtTheLimit()
    {
        var profile = ProfileWith("p-1", T0, [Id("userId", "u1"), .. Enumerable.Range(1, 5).Select(i => Id("email", $"e{i}"))]);
        var linked = new Dictionary<string, Profile> { ["userId:u1"] = profile };

        var decision = _graph.Decide([Id("userId", "u1"), Id("email", "e6")], linked);

        Assert.Equal("p-1", decision.Target!.Id);
        Assert.Equal("email:e6", Assert.Single(decision.Dropped).IdentityId);
    }

    [Fact]
    public void Decide_LinkedThroughMergedAwayProfileThatSurvivorDidNotTake_IsJudgedAgainstTheLimit()
    {
        // u2's link still names a merged-away profile; its survivor kept u1 and did not take u2.
        var survivor = ProfileWith("p-s", T0, Id("userId", "u1"), Id("anonymousId", "a1"));
        var linked = new Dictionary<string, Profile> { ["anonymousId:a1"] = survivor, ["userId:u2"] = survivor };

        var decision = _graph.Decide([Id("userId", "u2"), Id("anonymousId", "a1")], linked);

        Assert.Equal("p-s", decision.Target!.Id);
        Assert.Equal(["anonymousId:a1"], decision.Keep.Select(k => k.IdentityId));
        Assert.Equal("userId:u2", Assert.Single(decision.Dropped).IdentityId);
    }

    [Fact]
    public void ChooseSurvivor_SamePriority_OldestThenSmallestIdWins()
    {
        var older = ProfileWith("p-b", T0, Id("email", "x"));
        var newer = ProfileWith("p-a", T0.AddHours(1), Id("email", "y"));
        var twin = ProfileWith("p-0", T0, Id("email", "z"));

        Assert.Equal("p-b", _graph.ChooseSurvivor([newer, older]).Id);
        Assert.Equal("p-0", _graph.ChooseSurvivor([older, twin, newer]).Id);
    }

    private static readonly string[] Types = ["userId", "email", "phone", "deviceId", "anonymousId", "crmId"];

    /// <summary>A random world: some profiles holding random identifiers, and an event with random identifiers.</summary>
    private static readonly Gen<(Dictionary<string, Profile> Linked, HashedIdentifier[] Event, int Seed)> World =
        Gen.Select(
            Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3]).Array[0, 6],
            Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3]).Array[1, 6],
            Gen.Int[0, 4],
            Gen.Int)
        .Select((profileIds, eventIds, profileCount, seed) =>
        {
            var linked = new Dictionary<string, Profile>();
            var profiles = Enumerable.Range(0, profileCount)
                .Select(i => ProfileWith($"p-{i}", T0.AddMinutes(i)))
                .ToList();
            if (profiles.Count > 0)
            {
                for (var i = 0; i < profileIds.Length; i++)
                {
                    var (type, value) = profileIds[i];
                    var id = Id(Types[type], $"v{value}");
                    if (linked.ContainsKey(id.IdentityId))
                    {
                        continue;
                    }

                    var owner = profiles[i % profiles.Count];
                    // Keep the generated world itself within the limits: skip identifiers that would break them.
                    var rule = new IdentityOptions().RuleFor(id.Type);
                    if (owner.Identifiers.Count(x => x.Type == id.Type) >= rule.Limit)
                    {
                        continue;
                    }

                    owner.Identifiers.Add(new ProfileIdentifier(id.Type, id.Value, id.IdentityId, T0));
                    linked[id.IdentityId] = owner;
                }
            }

            var ev = eventIds.Select(p => Id(Types[p.Item1], $"v{p.Item2}")).DistinctBy(i => i.IdentityId).ToArray();
            return (linked, ev, seed);
        });

    [Fact]
    public void Decide_AnyWorld_KeepsAndDropsEachIdentifierOnceAndNeverBreaksALimit()
    {
        World.Sample(w =>
        {
            var decision = _graph.Decide(w.Event, w.Linked);

            var decided = decision.Keep.Select(k => k.IdentityId).Concat(decision.Dropped.Select(d => d.IdentityId)).Order().ToList();
            Assert.Equal(w.Event.Select(e => e.IdentityId).Order().ToList(), decided);

            var person = new HashSet<(string Type, string Id)>();
            foreach (var p in decision.MergeIntoTarget.Append(decision.Target).OfType<Profile>())
            {
                person.UnionWith(p.Identifiers.Select(i => (i.Type, i.IdentityId)));
            }

            person.UnionWith(decision.Keep.Select(k => (k.Type, k.IdentityId)));
            foreach (var group in person.GroupBy(x => x.Type))
            {
                Assert.True(group.Count() <= new IdentityOptions().RuleFor(group.Key).Limit, $"{group.Key} over its limit");
            }
        });
    }

    [Fact]
    public void Decide_AnyOrderOfTheSameIdentifiers_GivesTheSameDecision()
    {
        World.Sample(w =>
        {
            var shuffled = w.Event.ToArray();
            new Random(w.Seed).Shuffle(shuffled);

            var a = _graph.Decide(w.Event, w.Linked);
            var b = _graph.Decide(shuffled, w.Linked);

            Assert.Equal(a.Target?.Id, b.Target?.Id);
            Assert.Equal(a.Keep.Select(k => k.IdentityId), b.Keep.Select(k => k.IdentityId));
            Assert.Equal(a.Dropped.Select(k => k.IdentityId), b.Dropped.Select(k => k.IdentityId));
            Assert.Equal(a.MergeIntoTarget.Select(p => p.Id).Order(), b.MergeIntoTarget.Select(p => p.Id).Order());
        });
    }

    [Fact]
    public void Decide_NoLimitInTheWay_MergesEveryLinkedProfileAndDropsNothing()
    {
        var unlimited = new IdentityOptions { Pepper = "pepper-for-tests-0001", CustomTypeRule = new() { Priority = 10, Limit = 1000 } };
        foreach (var rule in unlimited.Types.Values)
        {
            rule.Limit = 1000;
        }

        var graph = new IdentityGraph(Options.Create(unlimited));
        World.Sample(w =>
        {
            var decision = graph.Decide(w.Event, w.Linked);

            Assert.Empty(decision.Dropped);
            var expected = w.Event.Where(e => w.Linked.ContainsKey(e.IdentityId)).Select(e => w.Linked[e.IdentityId].Id).Distinct().Order();
            var actual = decision.MergeIntoTarget.Select(p => p.Id).Append(decision.Target?.Id).OfType<string>().Order();
            Assert.Equal(expected, actual);
        });
    }
}
