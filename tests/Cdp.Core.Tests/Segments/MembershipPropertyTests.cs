using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Consent;
using CsCheck;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Segments;

/// <summary>
/// Random streams of events, consent answers, time passing and refreshes: whatever the order, a destination is never told
/// twice that a person entered without being told in between that they left, and no delivery id is reused.
/// </summary>
public sealed class MembershipPropertyTests
{
    /// <summary>One step: an event (user, plan, marketing answer or none), a consent API answer, hours passing, or a refresh.</summary>
    internal sealed record Step(int Kind, int User, bool Pro, bool? Marketing, int Hours);

    private static readonly Gen<Step> AnyStep = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 2], Gen.Int[1, 40])
        .Select((kind, user, pro, answer, hours) => new Step(kind, user, pro, answer switch { 0 => null, 1 => true, _ => false }, hours));

    [Fact]
    public async Task Evaluate_RandomEventsConsentTimeAndRefreshes_EnteredAndExitedAlternatePerPersonAndDestination()
    {
        await AnyStep.Array[1, 30].SampleAsync(async steps =>
        {
            using var s = new SegmentHarness();
            await s.SaveAsync("active-pro", """{"all":[{"trait":"plan","op":"eq","value":"pro"},{"trait":"computed.lastSeen","op":"gte","value":"-P1D"}]}""", "crm", "stats");
            for (var i = 0; i < steps.Length; i++)
            {
                await RunAsync(s, steps[i], i);
            }

            await s.RefreshAsync();
            AssertAlternating(s.Deliveries);
        }, iter: 40, threads: 1);
    }

    private static async Task RunAsync(SegmentHarness s, Step step, int index)
    {
        var user = $"u{step.User}";
        switch (step.Kind)
        {
            case <= 4:
                var e = EventBuilder.Identify().UserId(user).MessageId($"m{index}").Timestamp(s.Cdp.Time.GetUtcNow())
                    .Trait("plan", step.Pro ? "pro" : "free");
                if (step.Marketing is { } answer)
                {
                    e = e.Preferences((ConsentOptions.Marketing, answer), (ConsentOptions.Analytics, true));
                }

                await s.Cdp.ProcessAsync(e);
                break;
            case 5 when await s.Cdp.FindProfileAsync(Core.Identity.IdentifierTypes.UserId, user) is { } profile:
                s.Cdp.Time.Advance(TimeSpan.FromMinutes(1));
                await s.ConsentAsync(profile.Id, ConsentOptions.Marketing, step.Marketing ?? false);
                break;
            case 6 or 7:
                s.Cdp.Time.Advance(TimeSpan.FromHours(step.Hours));
                break;
            case >= 8:
                await s.RefreshAsync();
                break;
        }
    }

    private static void AssertAlternating(IReadOnlyList<AudienceDelivery> deliveries)
    {
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var stream in deliveries.GroupBy(d => (d.SegmentKey, d.ProfileId, d.Destination)))
        {
            var expected = AudienceDeliveryKinds.Entered;
            foreach (var delivery in stream)
            {
                Assert.True(delivery.Kind == expected, $"{delivery.Id} was {delivery.Kind} where {expected} was due");
                expected = expected == AudienceDeliveryKinds.Entered ? AudienceDeliveryKinds.Exited : AudienceDeliveryKinds.Entered;
            }
        }
    }
}
