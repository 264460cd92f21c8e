using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Privacy;

/// <summary>
/// Jane and Bob, whose events share every raw archive file. Jane browsed anonymously, then identified with userId,
/// email and phone on a second profile; a later event joined the two, so she has a live profile and a merge tombstone.
/// </summary>
internal sealed class TwoSubjects
{
    public const string JaneAnonymousId = "anon-jane-laptop-7f3a";
    public const string JaneUserId = "jane-0001";
    public const string JaneEmail = "jane.doe@example.com";
    public const string JanePhone = "+14155550123";
    public const string BobUserId = "bob-0002";
    public const string BobEmail = "bob@example.net";
    public const string BobAnonymousId = "anon-bob-desktop-91c2";

    public static readonly IReadOnlyList<(string Type, string Value)> Jane =
        [("anonymousId", JaneAnonymousId), ("userId", JaneUserId), ("email", JaneEmail), ("phone", JanePhone)];

    public static readonly IReadOnlyList<(string Type, string Value)> Bob =
        [("userId", BobUserId), ("email", BobEmail), ("anonymousId", BobAnonymousId)];

    public static readonly IReadOnlyList<string> JaneMessageIds = ["m-j1", "m-j2", "m-j3", "m-j4"];
    public static readonly IReadOnlyList<string> BobMessageIds = ["m-b1", "m-b2", "m-b3", "m-b4"];

    private TwoSubjects(Profile jane, string janeTombstone, Profile bob)
    {
        JaneProfile = jane;
        JaneTombstoneId = janeTombstone;
        BobProfile = bob;
    }

    public Profile JaneProfile { get; }

    public string JaneTombstoneId { get; }

    public IReadOnlyList<string> JaneProfileIds => [JaneProfile.Id, JaneTombstoneId];

    public Profile BobProfile { get; }

    public static async Task<TwoSubjects> CreateAsync(CoreHarness cdp)
    {
        var t = TestOptions.Now;
        await cdp.ProcessAsync(
            EventBuilder.Page("Home").AnonymousId(JaneAnonymousId).MessageId("m-j1").Timestamp(t),
            EventBuilder.Identify().UserId(BobUserId).AnonymousId(BobAnonymousId).Trait("email", BobEmail).Trait("name", "Bob").MessageId("m-b1").Timestamp(t));
        await cdp.ProcessAsync(
            EventBuilder.Identify().UserId(JaneUserId).Trait("email", JaneEmail).Trait("phone", JanePhone).Trait("name", "Jane Doe")
                .MessageId("m-j2").Timestamp(t.AddMinutes(1)),
            EventBuilder.Track("Viewed Product").UserId(BobUserId).Property("sku", "B-1").MessageId("m-b2").Timestamp(t.AddMinutes(1)));
        await cdp.ProcessAsync(
            EventBuilder.Track("Signed In").UserId(JaneUserId).AnonymousId(JaneAnonymousId).MessageId("m-j3").Timestamp(t.AddMinutes(2)),
            EventBuilder.Page("Pricing").AnonymousId(BobAnonymousId).MessageId("m-b3").Timestamp(t.AddMinutes(2)));
        await cdp.RunMergesAsync();
        await cdp.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId(JaneUserId).Property("revenue", 42).Property("contact", JaneEmail)
                .MessageId("m-j4").Timestamp(t.AddMinutes(3)),
            EventBuilder.Track("Order Completed").UserId(BobUserId).Property("revenue", 7).MessageId("m-b4").Timestamp(t.AddMinutes(3)));

        var jane = await cdp.ProfileAsync("email", JaneEmail);
        var tombstone = Assert.Single(jane.History, h => h.Kind == HistoryKinds.MergedFrom).OtherProfileId!;
        return new TwoSubjects(jane, tombstone, await cdp.ProfileAsync("userId", BobUserId));
    }
}
