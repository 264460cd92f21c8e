using System.Globalization;

namespace Cdp.Local.Demo;

/// <summary>One thing a person does after the month of history, sent while the demo watches, and what it should show.</summary>
public sealed record DemoChange(string UserId, string What, DemoBatch Batch);

/// <summary>
/// Changes that make people leave audiences, since a month of history mostly shows entries: two pro customers downgrade
/// (Audience Exited from <c>pro-plan</c> at both destinations), one withdraws marketing consent (an exit is sent to the
/// webhook even so, to remove them downstream) and one browser finally buys (leaves <c>browsers-not-buyers</c>).
/// Time-based exits come from the refresh when a day passes out of a window.
/// </summary>
public static class DemoChanges
{
    public static IReadOnlyList<DemoChange> For(IReadOnlyList<DemoPerson> people, int seed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(people);
        var changes = new List<DemoChange>();
        var pro = people.Where(p => p is { Plan: "pro", LogsIn: true, Marketing: true, Analytics: true }).ToList();
        foreach (var person in pro.Take(2))
        {
            changes.Add(Change(person, seed, changes.Count, "downgrades from pro to free", "analytics-node",
                (e, id) => e.PlanChanged(id, now, "free")));
        }

        if (pro.Skip(2).FirstOrDefault() is { } withdrawing)
        {
            changes.Add(Change(withdrawing, seed, changes.Count, "withdraws marketing consent", "analytics.js",
                (e, id) => e.ConsentUpdated(id, now, marketing: false, analytics: true)));
        }

        if (people.FirstOrDefault(p => p is { Persona: DemoPersona.Browser, LogsIn: true, Analytics: true }) is { } buyer)
        {
            changes.Add(Change(buyer, seed, changes.Count, "stops browsing and buys", "analytics-node",
                (e, id) => e.OrderCompleted(id, now, $"order-{seed}-{buyer.Number:0000}-later", 64.0)));
        }

        return changes;
    }

    private static DemoChange Change(DemoPerson person, int seed, int index, string what, string client, Action<DemoEvents, string> write)
    {
        // The consent manager runs in the browser; plan changes and orders come from the shop's backend.
        using var events = new DemoEvents(person, client == "analytics.js" ? person.AnonymousIds[0] : null);
        write(events, string.Create(CultureInfo.InvariantCulture, $"demo-{seed}-change-{index}"));
        return new DemoChange(person.UserId, what, new DemoBatch(person.UserId, client, events.ToBatch(client), events.Count));
    }
}
