using System.Text;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Consent;

/// <summary>The consent API's rules: validation naming the culprit, newest answer wins, merges and races followed.</summary>
public sealed class ConsentServiceTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Fact]
    public async Task Update_ValidBody_RecordsAnswersWithSourceAndNow()
    {
        using var cdp = new CoreHarness();
        var id = await ProfileIdAsync(cdp, "u1");

        var result = await Service(cdp).UpdateAsync(id, Body("""{"source":"preference-center","purposes":{"marketing":false,"Analytics":true}}"""), default);

        Assert.Equal(ConsentStatus.Ok, result.Status);
        Assert.Equal(new PurposeConsent(false, Now, "preference-center"), result.View!.Purposes["marketing"]);
        Assert.Equal(new PurposeConsent(true, Now, "preference-center"), result.View.Purposes["analytics"]);
        Assert.Equal(new PurposeConsent(false, null, null), result.View.Purposes["sale_of_data"]);
        Assert.Null(result.View.Stale);
        var stored = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(2, stored.ConsentHistory.Count);
        Assert.False(stored.Consent["marketing"].Granted);
    }

    [Fact]
    public async Task Update_TimestampOlderThanAnswerOnFile_NotAppliedAndReportedStale()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").Timestamp(Now.AddHours(-1)).Preferences(("marketing", false)));
        var id = (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Id;

        var result = await Service(cdp).UpdateAsync(id,
            Body("""{"purposes":{"marketing":true,"analytics":true},"timestamp":"2025-03-14T12:00:00Z"}"""), default);

        Assert.Equal(ConsentStatus.Ok, result.Status);
        Assert.Equal(["marketing"], result.View!.Stale!);
        Assert.False(result.View.Purposes["marketing"].Granted);
        Assert.Equal(new PurposeConsent(true, new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero), ConsentSources.Api), result.View.Purposes["analytics"]);
    }

    [Theory]
    [InlineData("""{"purposes":{"astrology":true}}""", "unknown purpose \"astrology\"")]
    [InlineData("""{"purposes":{"marketing":"false"}}""", "purposes.marketing must be true or false")]
    [InlineData("""{"purposes":{"marketing":null}}""", "purposes.marketing must be true or false")]
    [InlineData("""{"purposes":{}}""", "at least one purpose")]
    [InlineData("""{"purposes":[]}""", "purposes must be an object")]
    [InlineData("""{"source":"x"}""", "purposes is required")]
    [InlineData("""{"purposes":{"marketing":true},"source":""}""", "source must be")]
    [InlineData("""{"purposes":{"marketing":true},"timestamp":"yesterday"}""", "timestamp must be an ISO 8601")]
    [InlineData("""{"purposes":{"marketing":true},"timestamp":"2025-03-14T12:00:00"}""", "timestamp must be an ISO 8601")]
    [InlineData("""{"purposes":{"marketing":true},"timestamp":"2025-03-15T12:00:00Z"}""", "in the future")]
    [InlineData("""{"purposes":{"marketing":true},"purpose":"x"}""", "unknown field \"purpose\"")]
    [InlineData("""{"purposes":{"marketing":true,"Marketing":false}}""", "more than once")]
    [InlineData("""{"purposes":""", "not valid JSON")]
    [InlineData("""[]""", "must be a JSON object")]
    public async Task Update_BadBody_InvalidNamingTheProblem(string body, string problem)
    {
        using var cdp = new CoreHarness();
        var id = await ProfileIdAsync(cdp, "u1");

        var result = await Service(cdp).UpdateAsync(id, Body(body), default);

        Assert.Equal(ConsentStatus.Invalid, result.Status);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        Assert.Empty((await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).ConsentHistory);
    }

    [Fact]
    public async Task Update_UnknownProfile_NotFound()
    {
        using var cdp = new CoreHarness();

        var result = await Service(cdp).UpdateAsync("p-nobody", Body("""{"purposes":{"marketing":true}}"""), default);

        Assert.Equal(ConsentStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task Update_MergedAwayId_RecordsOnTheSurvivor()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Page().AnonymousId("a1").MessageId("m1"));
        var anonymousId = (await cdp.ProfileAsync(IdentifierTypes.AnonymousId, "a1")).Id;
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").MessageId("m2"));
        await cdp.ProcessAsync(EventBuilder.Track("Linked").UserId("u1").AnonymousId("a1").MessageId("m3"));
        await cdp.RunMergesAsync();
        var live = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        var loserId = anonymousId == live.Id ? throw new InvalidOperationException("expected the anonymous profile to be merged away") : anonymousId;

        var result = await Service(cdp).UpdateAsync(loserId, Body("""{"purposes":{"personalization":true}}"""), default);

        Assert.Equal(live.Id, result.View!.ProfileId);
        Assert.True((await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Consent["personalization"].Granted);
    }

    [Fact]
    public async Task Update_RivalWritesMeanwhile_RetriesAndKeepsBothChanges()
    {
        var store = default(RacingProfileStore);
        using var cdp = new CoreHarness().Decorate<IProfileStore>(inner => store = new RacingProfileStore(inner));
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").MessageId("m1"));
        var id = (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Id;
        store!.RivalWritesBeforeNextReplace(p =>
        {
            p.Computed.EventCounts["Imported"] = 1;
            return p;
        });

        var result = await Service(cdp).UpdateAsync(id, Body("""{"purposes":{"marketing":false}}"""), default);

        Assert.Equal(ConsentStatus.Ok, result.Status);
        Assert.Equal(1, store.Conflicts);
        var stored = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.False(stored.Consent["marketing"].Granted);
        Assert.Equal(1, stored.Computed.EventCounts["Imported"]);
        Assert.Single(stored.ConsentHistory);
    }

    [Fact]
    public async Task Get_ProfileWithHistory_ShowsEveryPurposeAndTheHistory()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").MessageId("m1").Timestamp(Now.AddHours(-1)).Preferences(("marketing", true)));
        var id = (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Id;

        var result = await Service(cdp).GetAsync(id, default);

        Assert.Equal(["analytics", "marketing", "personalization", "sale_of_data"], result.View!.Purposes.Keys);
        Assert.True(result.View.Purposes["marketing"].Granted);
        Assert.Equal(new ConsentHistoryEntry("marketing", true, Now.AddHours(-1), CoreHarness.SourceId, "m1"), Assert.Single(result.View.History));
    }

    private static ConsentService Service(CoreHarness cdp) => cdp.Services.GetRequiredService<ConsentService>();

    private static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    private static async Task<string> ProfileIdAsync(CoreHarness cdp, string userId)
    {
        await cdp.ProcessAsync(EventBuilder.Identify().UserId(userId));
        return (await cdp.ProfileAsync(IdentifierTypes.UserId, userId)).Id;
    }
}
