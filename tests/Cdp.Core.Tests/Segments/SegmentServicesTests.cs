using Cdp.Core.Segments;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Segments;

/// <summary>What AddCdpCore registers for segments, and the Cdp:Segments settings checked at start-up.</summary>
public sealed class SegmentServicesTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        settings["Cdp:Identity:Pepper"] = TestOptions.Pepper;
        var services = new ServiceCollection().AddCdpCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).AddCdpInMemoryPorts();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Cdp:Segments:RollupMarginDays", "-1")]
    [InlineData("Cdp:Segments:RollupMarginDays", "366")]
    [InlineData("Cdp:Segments:DefaultRollupDays", "0")]
    [InlineData("Cdp:Segments:DefaultRollupDays", "3651")]
    public void SegmentOptions_OutOfRange_FailsNamingTheSetting(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SegmentOptions>>().Value);

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RollupPlan_NoSegmentsDefined_KeepsDefaultDaysPlusMarginWithoutFilters()
    {
        using var provider = Build(new() { ["Cdp:Segments:DefaultRollupDays"] = "30", ["Cdp:Segments:RollupMarginDays"] = "5" });

        var plan = provider.GetRequiredService<IRollupPlanSource>().Current;

        Assert.Equal(35, plan.KeepDays);
        Assert.Empty(plan.Filters);
    }

    [Fact]
    public void RollupPlan_CatalogRegisteredAfterCore_IsTheOneUsed()
    {
        var catalog = new Catalog();
        using var provider = Build([], s => s.AddSingleton<IRollupPlanSource>(catalog));

        Assert.Same(catalog, provider.GetRequiredService<IRollupPlanSource>());
    }

    [Fact]
    public void SegmentCompiler_Registered_CompilesADefinition()
    {
        using var provider = Build([]);

        var compilation = provider.GetRequiredService<ISegmentCompiler>().Compile(SegmentKit.Json("""{"consent":"marketing"}"""));

        Assert.NotNull(compilation.Segment);
        Assert.Same(provider.GetRequiredService<ISegmentCompiler>(), provider.GetRequiredService<ISegmentCompiler>());
    }

    private sealed class Catalog : IRollupPlanSource
    {
        public RollupPlan Current { get; } = RollupPlan.Default(400);
    }
}
