using System.Text;
using System.Text.Json;
using Cdp.Local.Demo;

namespace Cdp.Local.Tests.Demo;

public sealed class DemoPopulationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generate_SameSeedAndTime_SameBatchesByteForByte()
    {
        var first = DemoPopulation.Generate(7, 50, Now);
        var second = DemoPopulation.Generate(7, 50, Now);

        Assert.Equal(first.People, second.People, (a, b) => a.UserId == b.UserId && a.Marketing == b.Marketing && a.Plan == b.Plan
            && a.Persona == b.Persona && a.AnonymousIds.SequenceEqual(b.AnonymousIds));
        Assert.Equal(first.Batches.Count, second.Batches.Count);
        Assert.All(first.Batches.Zip(second.Batches), pair => Assert.Equal(pair.First.Body, pair.Second.Body));
    }

    [Fact]
    public void Generate_AnotherSeed_AnotherPopulation()
    {
        var first = DemoPopulation.Generate(7, 50, Now);
        var other = DemoPopulation.Generate(8, 50, Now);

        Assert.NotEqual(Bodies(first), Bodies(other));
    }

    [Fact]
    public void Generate_TwoHundredPeople_AMonthOfPastEventsWithEveryKindOfPerson()
    {
        var population = DemoPopulation.Generate(42, 200, Now);
        var events = population.Batches.SelectMany(b => JsonDocument.Parse(b.Body).RootElement.GetProperty("batch").EnumerateArray()).ToList();

        Assert.All(events, e => Assert.InRange(e.GetProperty("timestamp").GetDateTimeOffset(), Now.AddDays(-30), Now));
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.Contains(events, e => e.TryGetProperty("event", out var name) && name.GetString() == "Order Completed");
        Assert.Contains(events, e => e.TryGetProperty("event", out var name) && name.GetString() == "Product Viewed");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "identify" && e.TryGetProperty("anonymousId", out _));
        Assert.Contains(population.People, p => p.AnonymousIds.Count == 3 && p.LogsIn);
        Assert.Contains(population.People, p => !p.Marketing);
        Assert.Contains(population.People, p => p.Marketing);
        Assert.All(Enum.GetValues<DemoPersona>(), persona => Assert.Contains(population.People, p => p.Persona == persona));
    }

    private static string Bodies(DemoPopulation population) => string.Concat(population.Batches.Select(b => Encoding.UTF8.GetString(b.Body)));
}
