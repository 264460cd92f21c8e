using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cdp.Local.Demo;

/// <summary>How a demo person behaves over the month: buys (often over 50), browses products without buying, or just reads.</summary>
public enum DemoPersona
{
    Reader,
    Buyer,
    Browser,
}

/// <summary>
/// One made-up person. <see cref="UserId"/> is what the demo prints; the email exists only inside the events it sends
/// (example.com, so nobody real), and the demo never prints it.
/// </summary>
public sealed record DemoPerson(
    int Number, string UserId, IReadOnlyList<string> AnonymousIds, bool LogsIn, bool Marketing, bool Analytics, string Plan, DemoPersona Persona)
{
    public string Email => $"{UserId}@example.com";
}

/// <summary>One <c>POST /v1/batch</c> as a client would send it: a browser tag's visit, or a server SDK's order.</summary>
public sealed record DemoBatch(string UserId, string Client, byte[] Body, int Events);

/// <summary>
/// A month of a shop's traffic, the same for the same seed, number of people and time: anonymous visits on one to three
/// devices that log in later (identify with userId and email, so the devices' profiles merge), page views,
/// <c>Product Viewed</c>, server-side <c>Order Completed</c> with <c>total</c>, and each person's consent choice on every
/// browser event (<c>context.consent.categoryPreferences</c>, as a consent manager sends it). Timestamps lie in the 29
/// days before <c>now</c>, so every condition with <c>within P30D</c> sees them.
/// </summary>
[SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Made-up demo data must repeat for a seed; nothing here is a secret.")]
public sealed class DemoPopulation
{
    private static readonly string[] Pages = ["Home", "Pricing", "Catalog", "Blog", "Help"];
    private static readonly (string Sku, string Name, double Price)[] Products =
    [
        ("sku-101", "Trail Shoe", 89.0), ("sku-102", "Rain Jacket", 129.0), ("sku-103", "Wool Socks", 14.5),
        ("sku-104", "Day Pack", 59.0), ("sku-105", "Head Torch", 34.0), ("sku-106", "Water Bottle", 19.0),
    ];

    private DemoPopulation(IReadOnlyList<DemoPerson> people, IReadOnlyList<DemoBatch> batches) => (People, Batches) = (people, batches);

    public IReadOnlyList<DemoPerson> People { get; }

    /// <summary>In the order to send them: each person's batches oldest first.</summary>
    public IReadOnlyList<DemoBatch> Batches { get; }

    public static DemoPopulation Generate(int seed, int count, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var people = new List<DemoPerson>(count);
        var batches = new List<DemoBatch>();
        for (var number = 1; number <= count; number++)
        {
            var person = NewPerson(random, number);
            people.Add(person);
            batches.AddRange(new PersonTimeline(random, person, seed, now).Build());
        }

        return new DemoPopulation(people, batches);
    }

    private static DemoPerson NewPerson(Random random, int number)
    {
        var devices = Enumerable.Range(0, random.Next(1, 4)).Select(_ => "anon-" + Convert.ToHexStringLower(Bytes(random, 6))).ToList();
        var persona = random.NextDouble() switch
        {
            < 0.3 => DemoPersona.Buyer,
            < 0.55 => DemoPersona.Browser,
            _ => DemoPersona.Reader,
        };
        var choice = random.NextDouble();
        var plan = random.NextDouble() < 0.25 ? "pro" : "free";

        // Buyers check out, so they always log in; of the others most do at some point.
        var logsIn = persona == DemoPersona.Buyer || random.NextDouble() < 0.8;
        return new DemoPerson(number, $"user-{number:0000}", devices, logsIn, Marketing: choice < 0.72, Analytics: choice < 0.92, plan, persona);
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One person's sessions and orders, turned into batches.</summary>
    private sealed class PersonTimeline(Random random, DemoPerson person, int seed, DateTimeOffset now)
    {
        private readonly bool[] _loggedIn = new bool[person.AnonymousIds.Count];
        private int _message;

        public IEnumerable<DemoBatch> Build()
        {
            var sessions = SessionStarts();
            var loginAt = person.Persona == DemoPersona.Buyer ? 0 : random.Next(0, sessions.Count);
            var orders = person.Persona switch
            {
                DemoPersona.Buyer => random.Next(2, 5),
                DemoPersona.Reader when person.LogsIn && random.NextDouble() < 0.3 => 1,
                _ => 0,
            };
            var orderSessions = Enumerable.Range(0, orders).Select(_ => random.Next(0, sessions.Count)).ToList();
            for (var i = 0; i < sessions.Count; i++)
            {
                var device = i % person.AnonymousIds.Count;
                var login = person.LogsIn && i >= loginAt;
                var (visit, end) = Visit(device, sessions[i], login);
                yield return visit;
                if (login && orderSessions.Count(s => s == i) is var placed and > 0)
                {
                    yield return Orders(placed, end);
                }
            }
        }

        /// <summary>Browsers come back within the last week; everyone else anywhere in the month.</summary>
        private List<DateTimeOffset> SessionStarts()
        {
            var (count, days) = person.Persona switch
            {
                DemoPersona.Browser => (random.Next(2, 4), 6),
                DemoPersona.Buyer => (random.Next(3, 7), 28),
                _ => (random.Next(1, 5), 28),
            };
            return Enumerable.Range(0, count)
                .Select(_ => now.AddMinutes(-random.Next(90, days * 24 * 60)))
                .Select(t => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero))
                .Order().ToList();
        }

        private (DemoBatch Batch, DateTimeOffset End) Visit(int device, DateTimeOffset start, bool login)
        {
            var anonymousId = person.AnonymousIds[device];
            var at = start;
            using var events = new DemoEvents(person, anonymousId);
            if (login && !_loggedIn[device])
            {
                _loggedIn[device] = true;
                events.Identify(NextId(), at);
            }

            var userId = login ? person.UserId : null;
            foreach (var page in Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pages[random.Next(Pages.Length)]))
            {
                at = at.AddSeconds(random.Next(20, 120));
                events.Page(NextId(), at, userId, page);
            }

            var views = person.Persona switch
            {
                DemoPersona.Browser => random.Next(2, 5),
                DemoPersona.Buyer => random.Next(1, 4),
                _ => random.Next(0, 2),
            };
            for (var v = 0; v < views; v++)
            {
                at = at.AddSeconds(random.Next(20, 120));
                var (sku, name, price) = Products[random.Next(Products.Length)];
                events.ProductViewed(NextId(), at, userId, sku, name, price);
            }

            return (new DemoBatch(person.UserId, "analytics.js", events.ToBatch("analytics.js"), events.Count), at);
        }

        /// <summary>Orders come from the shop's backend (a server SDK): userId only, no device, no consent object.</summary>
        private DemoBatch Orders(int placed, DateTimeOffset after)
        {
            using var events = new DemoEvents(person, anonymousId: null);
            for (var o = 0; o < placed; o++)
            {
                after = after.AddMinutes(random.Next(1, 10));
                var total = Math.Round(20 + (random.NextDouble() * 230), 2);
                events.OrderCompleted(NextId(), after, $"order-{seed}-{person.Number:0000}-{o}", total);
            }

            return new DemoBatch(person.UserId, "analytics-node", events.ToBatch("analytics-node"), events.Count);
        }

        private string NextId() => string.Create(CultureInfo.InvariantCulture, $"demo-{seed}-{person.Number:0000}-{_message++:000}");
    }
}
