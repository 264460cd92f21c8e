using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using CsCheck;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Consent;

/// <summary>Which purposes exist, what a profile allows, and the rule that the newest answer wins.</summary>
public sealed class ConsentPolicyTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Theory]
    [InlineData("analytics")]
    [InlineData("marketing")]
    [InlineData("personalization")]
    [InlineData("sale_of_data")]
    public void Allows_NoAnswer_IsNotGranted(string purpose)
    {
        var policy = Policy();

        Assert.False(policy.Allows(ConsentBuilders.ProfileWith("p-1"), purpose));
    }

    [Fact]
    public void Allows_GrantedOrDenied_FollowsTheAnswer()
    {
        var policy = Policy();
        var profile = ConsentBuilders.ProfileWith("p-1", ("marketing", true, Now, "web"), ("analytics", false, Now, "web"));

        Assert.True(policy.Allows(profile, "marketing"));
        Assert.True(policy.Allows(profile, "Marketing"));
        Assert.False(policy.Allows(profile, "analytics"));
    }

    [Fact]
    public void Allows_PurposeNotConfigured_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => Policy().Allows(ConsentBuilders.ProfileWith("p-1"), "astrology"));

        Assert.Contains("astrology", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Purposes_ListOverriddenInConfiguration_BuiltInFourStayAndConfiguredAreAdded()
    {
        var policy = Policy(new() { ["Cdp:Consent:Purposes:0"] = "research", ["Cdp:Consent:Purposes:1"] = "Marketing" });

        Assert.Equal(["analytics", "marketing", "personalization", "sale_of_data", "research"], policy.Purposes);
        Assert.Equal("marketing", policy.Resolve("MARKETING"));
        Assert.Null(policy.Resolve("astrology"));
    }

    [Theory]
    [InlineData("Cdp:Consent:Purposes:0", "has space", "Cdp:Consent:Purposes")]
    [InlineData("Cdp:Consent:Purposes:0", "", "Cdp:Consent:Purposes")]
    [InlineData("Cdp:Consent:Aliases:Advertising", "adverts", "Cdp:Consent:Aliases:Advertising")]
    [InlineData("Cdp:Consent:Aliases:marketing", "analytics", "Cdp:Consent:Aliases:marketing")]
    public void Options_BadSetting_FailAtStartNamingTheSetting(string key, string value, string named)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Policy(new() { [key] = value }));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_SameInstantGrantAndDenial_DenialWinsWhicheverComesFirst()
    {
        var grantFirst = ConsentBuilders.ProfileWith("p-1");
        var denyFirst = ConsentBuilders.ProfileWith("p-2");

        ConsentRecorder.Record(grantFirst, new ConsentAnswer("marketing", true, Now, "web"));
        ConsentRecorder.Record(grantFirst, new ConsentAnswer("marketing", false, Now, "app"));
        ConsentRecorder.Record(denyFirst, new ConsentAnswer("marketing", false, Now, "app"));
        ConsentRecorder.Record(denyFirst, new ConsentAnswer("marketing", true, Now, "web"));

        Assert.Equal(new ConsentState(false, Now, "app"), grantFirst.Consent["marketing"]);
        Assert.Equal(grantFirst.Consent["marketing"], denyFirst.Consent["marketing"]);
    }

    [Fact]
    public void Record_AnswersInAnyOrder_CurrentAnswerIsTheNewest()
    {
        var answers = Gen.Select(Gen.Int[0, 10_000], Gen.Bool, Gen.OneOf("web", "app", "crm"))
            .Array[1, 20]
            .Select(xs => xs.DistinctBy(x => x.Item1).Select(x => new ConsentAnswer("marketing", x.Item2, Now.AddSeconds(-x.Item1), x.Item3)).ToArray());

        Gen.Select(answers, Gen.Int).Sample((inOrder, seed) =>
        {
            var shuffled = inOrder.ToArray();
            new Random(seed).Shuffle(shuffled);
            var profile = ConsentBuilders.ProfileWith("p-1");
            foreach (var answer in shuffled)
            {
                ConsentRecorder.Record(profile, answer);
            }

            var newest = inOrder.MaxBy(a => a.At)!;
            Assert.Equal(new ConsentState(newest.Granted, newest.At, newest.Source), profile.Consent["marketing"]);
            Assert.Equal(newest.Granted, profile.ConsentHistory[^1].Granted);
        });
    }

    private static ConsentPolicy Policy(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings ?? []) { ["Cdp:Identity:Pepper"] = TestOptions.Pepper })
            .Build();
        var services = new ServiceCollection().AddCdpCore(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<ConsentPolicy>();
    }
}
