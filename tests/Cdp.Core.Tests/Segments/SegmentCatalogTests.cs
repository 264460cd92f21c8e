using System.Text.Json;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.Segments;

/// <summary>The catalog: what it compiles, when it sees segments saved elsewhere, and the rollup plan it gives ingest.</summary>
public sealed class SegmentCatalogTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetAsync_SegmentSavedOnAnotherInstance_SeenOnlyAfterTheReloadInterval()
    {
        var (catalog, store, time, _) = Catalog();
        await catalog.GetAsync(default);

        await store.CreateAsync(Document("pro"), default);
        time.Advance(TimeSpan.FromSeconds(29));
        var early = await catalog.GetAsync(default);
        time.Advance(TimeSpan.FromSeconds(1));
        var late = await catalog.GetAsync(default);

        Assert.Empty(early);
        Assert.Equal(["pro"], late.Keys);
    }

    [Fact]
    public async Task ReloadAsync_UnchangedDefinition_CompiledOnce()
    {
        var (catalog, store, _, compiler) = Catalog();
        await store.CreateAsync(Document("pro"), default);

        await catalog.ReloadAsync(default);
        await catalog.ReloadAsync(default);

        Assert.Equal(1, compiler.Compilations);
    }

    [Fact]
    public async Task Current_SegmentsWithFiltersAndWindows_UnionOfFiltersAndLongestWindowPlusMargin()
    {
        var (catalog, store, _, compiler) = Catalog();
        compiler.Needs["a"] = new RollupNeeds([Filter("Order#1"), Filter("Order#2")], TimeSpan.FromDays(30));
        compiler.Needs["b"] = new RollupNeeds([Filter("Order#2")], TimeSpan.FromDays(90.5));
        await store.CreateAsync(Document("a"), default);
        await store.CreateAsync(Document("b"), default);

        await catalog.ReloadAsync(default);

        Assert.Equal(["Order#1", "Order#2"], catalog.Current.Filters.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(91 + 7, catalog.Current.KeepDays);
    }

    [Fact]
    public async Task Current_OnlyShortWindows_KeepsTheDefaultPeriodSoLaterSegmentsFindHistory()
    {
        var (catalog, store, _, compiler) = Catalog();
        Assert.Equal(60 + 7, catalog.Current.KeepDays);
        compiler.Needs["a"] = new RollupNeeds([], TimeSpan.FromDays(7));
        await store.CreateAsync(Document("a"), default);

        await catalog.ReloadAsync(default);

        Assert.Equal(60 + 7, catalog.Current.KeepDays);
    }

    [Theory]
    [InlineData("0 */5 * * *")]
    [InlineData("every five minutes")]
    public void AddCdpCore_BadRefreshSchedule_FailsAtStartNamingTheSetting(string schedule)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cdp:Identity:Pepper"] = Builders.TestOptions.Pepper,
            [SegmentRefreshSchedule.SettingName] = schedule,
        }).Build();
        using var provider = new ServiceCollection().AddCdpCore(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SegmentRefreshSchedule>>().Value);

        Assert.Contains("SegmentRefreshSchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LatestSlot_DefaultSchedule_TheLastFiveMinuteMarkAndItsInstanceId()
    {
        var starter = new SegmentRefreshStarter(null!, Options.Create(new SegmentRefreshSchedule()), new FakeTimeProvider(Now));

        var slot = starter.LatestSlot(Now.AddMinutes(7).AddSeconds(3));

        Assert.Equal(Now.AddMinutes(5), slot);
        Assert.Equal("segment-refresh-20250314120500", SegmentRefreshSchedule.InstanceId(slot));
        Assert.Equal(Now.AddMinutes(10), starter.NextSlot(slot));
    }

    private static (SegmentCatalog, InMemorySegmentStore, FakeTimeProvider, CountingCompiler) Catalog()
    {
        var store = new InMemorySegmentStore();
        var time = new FakeTimeProvider(Now);
        var compiler = new CountingCompiler();
        var catalog = new SegmentCatalog(store, [compiler], Options.Create(new SegmentCatalogOptions()), Options.Create(new SegmentOptions { DefaultRollupDays = 60, RollupMarginDays = 7 }), time, NullLogger<SegmentCatalog>.Instance);
        return (catalog, store, time, compiler);
    }

    private static SegmentDocument Document(string key) =>
        new(key, key, JsonDocument.Parse($$"""{"name":"{{key}}"}""").RootElement.Clone(), [], Now, Now);

    private static RollupFilter Filter(string key) => new(key, "Order", _ => true);

    /// <summary>Compiles anything; the needs of a definition are looked up by its <c>name</c>.</summary>
    private sealed class CountingCompiler : ISegmentCompiler
    {
        public Dictionary<string, RollupNeeds> Needs { get; } = [];

        public int Compilations { get; private set; }

        public SegmentCompilation Compile(JsonElement definition, string path = "$.definition")
        {
            Compilations++;
            return new(new Always(Needs.GetValueOrDefault(definition.GetProperty("name").GetString()!) ?? RollupNeeds.None), []);
        }
    }

    private sealed class Always(RollupNeeds needs) : CompiledSegment
    {
        public override RollupNeeds Needs => needs;

        public override bool Matches(Profile profile, DateTimeOffset now) => true;
    }
}
