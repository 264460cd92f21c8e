using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests;

/// <summary>A bad setting stops start-up with a message naming the setting.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void IdentityOptions_PepperMissing_FailsNamingThePepperSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<IdentityOptions>([]));

        Assert.Contains("Cdp:Identity:Pepper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityOptions_PepperShorterThan16_FailsNamingThePepperSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<IdentityOptions>(new() { ["Cdp:Identity:Pepper"] = "too-short" }));

        Assert.Contains("Cdp:Identity:Pepper must be at least 16 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityOptions_PepperOf16_IsAccepted()
    {
        var options = Resolve<IdentityOptions>(new() { ["Cdp:Identity:Pepper"] = new string('p', 16) });

        Assert.Equal(new string('p', 16), options.Pepper);
    }

    [Fact]
    public void IdentityOptions_LowerCaseRegion_FailsNamingTheRegionSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<IdentityOptions>(new()
        {
            ["Cdp:Identity:Pepper"] = TestOptions.Pepper,
            ["Cdp:Identity:DefaultPhoneRegion"] = "gb",
        }));

        Assert.Contains("Cdp:Identity:DefaultPhoneRegion", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A limit of 0 would silently drop every identifier of that type; the annotations on each rule must be enforced.</summary>
    [Theory]
    [InlineData("Cdp:Identity:Types:userId:Limit", "0")]
    [InlineData("Cdp:Identity:Types:email:Priority", "-1")]
    [InlineData("Cdp:Identity:CustomTypeRule:Limit", "0")]
    public void IdentityOptions_IdentifierTypeRuleOutOfRange_FailsNamingTheSetting(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<IdentityOptions>(new()
        {
            ["Cdp:Identity:Pepper"] = TestOptions.Pepper,
            [key] = value,
        }));

        Assert.Contains("Cdp:Identity:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12:00:00")]
    [InlineData("23:59:59")]
    [InlineData("00:00:00")]
    public void ProcessingOptions_DedupWindowUnder24Hours_FailsNamingTheSetting(string window)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<ProcessingOptions>(new() { ["Cdp:Processing:DedupWindow"] = window }));

        Assert.Contains("Cdp:Processing:DedupWindow", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.00:00:00")]
    [InlineData("7.00:00:00")]
    public void ProcessingOptions_DedupWindowOfADayOrMore_IsAccepted(string window)
    {
        Assert.Equal(TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture), Resolve<ProcessingOptions>(new() { ["Cdp:Processing:DedupWindow"] = window }).DedupWindow);
    }

    [Fact]
    public void ProcessingOptions_Defaults_AreValidAndKeepMessagesTwoDays()
    {
        Assert.Equal(TimeSpan.FromHours(48), Resolve<ProcessingOptions>([]).DedupWindow);
    }

    private static T Resolve<T>(Dictionary<string, string?> settings)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddCdpCore(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
