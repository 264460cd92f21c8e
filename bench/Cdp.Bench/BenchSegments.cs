using System.Text;

namespace Cdp.Bench;

/// <summary>
/// The ten audiences the segment figures evaluate: trait, computed-trait, event (windows, counts, a where-filter),
/// consent and any/all/not shapes, written as a marketer would PUT them at /api/segments/{key}.
/// </summary>
internal static class BenchSegments
{
    /// <summary>The where-filtered event condition, whose counts <see cref="SyntheticProfiles"/> keeps in the rollups.</summary>
    public const string BigBuyers = "big-buyers";

    public static readonly IReadOnlyList<(string Key, string Definition)> All =
    [
        ("paying", """{"trait": "plan", "op": "in", "value": ["pro", "enterprise"]}"""),
        ("us-adults", """{"all": [{"trait": "country", "op": "eq", "value": "US"}, {"trait": "age", "op": "gte", "value": 18}]}"""),
        ("new-signups", """{"trait": "signupDate", "op": "gte", "value": "-P30D"}"""),
        ("active-week", """{"event": "page", "count": {"gte": 3}, "within": "P7D"}"""),
        ("buyers-month", """{"event": "Order Completed", "within": "P30D"}"""),
        (BigBuyers, """{"event": "Order Completed", "count": {"gte": 2}, "within": "P60D", "where": [{"property": "revenue", "op": "gt", "value": 100}]}"""),
        ("reachable-engaged", """{"all": [{"consent": "marketing"}, {"trait": "computed.eventCount", "op": "gte", "value": 40}]}"""),
        ("lapsed", """{"all": [{"trait": "computed.lastSeen", "op": "lt", "value": "-P21D"}, {"not": {"event": "page", "within": "P21D"}}]}"""),
        ("eu-or-free-unconsented", """{"any": [{"trait": "country", "op": "in", "value": ["DE", "FR", "ES"]}, {"all": [{"trait": "plan", "op": "eq", "value": "free"}, {"not": {"consent": "marketing"}}]}]}"""),
        ("high-value", """{"any": [{"trait": "computed.sums.Order Completed.revenue", "op": "gte", "value": 500}, {"event": "Order Completed", "count": {"gte": 3}, "within": "P60D"}]}"""),
    ];

    /// <summary>The PUT body of one segment (no destinations: the figures time evaluation and writes, not deliveries).</summary>
    public static byte[] Body(string key, string definition) =>
        Encoding.UTF8.GetBytes($$"""{"name": "Bench {{key}}", "definition": {{definition}}, "destinations": []}""");
}
