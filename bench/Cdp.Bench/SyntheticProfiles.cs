using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Rollups;
using Cdp.Local.Storage;

namespace Cdp.Bench;

/// <summary>
/// Profiles as ingestion would have left them after a few months of traffic, compact but complete: traits (plan,
/// country, age, signup date, email), userId and email identifiers hashed with the host's pepper, consent answers with
/// their history, computed traits, recent messageIds, and daily rollups of page, Product Viewed, Order Completed and
/// identify over the last 60 days (with the counts of the where-filter in use). Stored as the SQLite profile store
/// stores them: the same row shape and the same source-generated JSON, many rows a transaction. Seeded per profile.
/// </summary>
internal sealed class SyntheticProfiles(IdentityHasher hasher, RollupFilter bigOrder, DateTimeOffset now)
{
    public const int ActiveDays = 60;

    private const int Chunk = 20_000;
    private const string InsertSql = "INSERT INTO profiles (id, etag, body) VALUES ($id, $etag, $body)";
    private const string Source = "src-web";

    private static readonly string[] Plans = ["free", "free", "free", "plus", "pro", "enterprise"];
    private static readonly string[] Countries = ["US", "US", "US", "CA", "GB", "DE", "FR", "ES", "BR", "JP"];
    private static readonly Dictionary<string, JsonElement> Texts = new(StringComparer.Ordinal);
    private static readonly JsonElement[] Numbers = [.. Enumerable.Range(0, 400).Select(n => Element(n.ToString(CultureInfo.InvariantCulture)))];

    /// <summary>Inserts <paramref name="count"/> profiles; returns the average JSON document size in bytes.</summary>
    public async Task<double> InsertAsync(SqliteDatabase database, int count, Action<string> progress, CancellationToken cancellationToken)
    {
        long bytes = 0;
        for (var start = 0; start < count; start += Chunk)
        {
            var rows = new (string Id, byte[] Body)[Math.Min(Chunk, count - start)];
            Parallel.For(0, rows.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var profile = Create(start + i);
                rows[i] = (profile.Id, JsonSerializer.SerializeToUtf8Bytes(profile, CdpJsonContext.Default.Profile));
            });
            bytes += rows.Sum(r => (long)r.Body.Length);
            await database.WriteAsync(session =>
            {
                var command = session.Command(InsertSql, "$id", "$etag", "$body");
                foreach (var (id, body) in rows)
                {
                    command.Parameters[0].Value = id;
                    command.Parameters[1].Value = 1L;
                    command.Parameters[2].Value = body;
                    command.ExecuteNonQuery();
                }

                return rows.Length;
            }, cancellationToken);
            if ((start / Chunk) % 10 == 9)
            {
                progress($"{start + rows.Length:N0} profiles stored");
            }
        }

        return bytes / (double)Math.Max(1, count);
    }

    public Profile Create(int n)
    {
        var random = new Random(n * 7919 + 17);
        var userId = string.Create(CultureInfo.InvariantCulture, $"user-{n:D8}");
        var email = $"user{n}@example.com";
        var userIdentity = hasher.IdentityId(new Identifier("userId", userId));
        var signup = now.AddDays(-random.Next(1, 720)).AddMinutes(-random.Next(1440));
        var profile = new Profile
        {
            Id = "p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userIdentity)).AsSpan(0, 16)),
            CreatedAt = signup,
            Identifiers =
            [
                new ProfileIdentifier("userId", userId, userIdentity, signup),
                new ProfileIdentifier("email", email, hasher.IdentityId(new Identifier("email", email)), signup),
            ],
        };
        profile.Traits["plan"] = new TraitValue(Text(Plans[random.Next(Plans.Length)]), signup, Source);
        profile.Traits["country"] = new TraitValue(Text(Countries[random.Next(Countries.Length)]), signup, Source);
        profile.Traits["age"] = new TraitValue(Numbers[random.Next(16, 80)], signup, Source);
        profile.Traits["signupDate"] = new TraitValue(Text(RollupDays.Key(signup)), signup, Source);
        profile.Traits["email"] = new TraitValue(Element(Quoted(email)), signup, Source);
        AnswerConsent(profile, random, signup);
        var lastSeen = AddEvents(profile, random, signup);
        profile.UpdatedAt = lastSeen;
        profile.Version = profile.Computed.EventCount;
        return profile;
    }

    private static void AnswerConsent(Profile profile, Random random, DateTimeOffset at)
    {
        foreach (var (purpose, answered, granted) in new[] { ("analytics", 0.9, 0.85), ("marketing", 0.6, 0.7) })
        {
            if (random.NextDouble() < answered)
            {
                var yes = random.NextDouble() < granted;
                profile.Consent[purpose] = new ConsentState(yes, at, Source);
                profile.ConsentHistory.Add(new ConsentHistoryEntry(purpose, yes, at, Source));
            }
        }
    }

    /// <summary>Older history as computed traits only; the last 60 days also as rollups. Returns the last event's time.</summary>
    private DateTimeOffset AddEvents(Profile profile, Random random, DateTimeOffset signup)
    {
        var computed = profile.Computed;
        var older = random.Next(0, 60);
        computed.EventCount = older;
        computed.EventCounts["page"] = older;
        computed.FirstSeen = signup;
        var lastSeen = signup;

        // A fifth of the people were not seen in the last 60 days; the others on 1 to 20 days of them.
        var days = random.NextDouble() < 0.2 ? 0 : random.Next(1, 21);
        for (var d = 0; d < days; d++)
        {
            var day = now.AddDays(-random.Next(0, ActiveDays));
            if (day < signup)
            {
                continue;
            }

            var rollup = profile.Rollups.Days.TryGetValue(RollupDays.Key(day), out var known) ? known : new DayRollup();
            profile.Rollups.Days[RollupDays.Key(day)] = rollup;
            Count(profile, rollup, "page", random.Next(1, 6));
            Count(profile, rollup, "Product Viewed", random.Next(0, 5));
            Count(profile, rollup, "identify", random.NextDouble() < 0.2 ? 1 : 0);
            if (random.NextDouble() < 0.15)
            {
                var revenue = random.Next(10, 300);
                Count(profile, rollup, "Order Completed", 1);
                rollup.Sums["Order Completed.revenue"] = rollup.Sums.GetValueOrDefault("Order Completed.revenue") + revenue;
                computed.Sums["Order Completed.revenue"] = computed.Sums.GetValueOrDefault("Order Completed.revenue") + revenue;
                if (bigOrder.Passes(new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["revenue"] = Numbers[revenue] }))
                {
                    rollup.Counts[bigOrder.Key] = rollup.Counts.GetValueOrDefault(bigOrder.Key) + 1;
                }
            }

            lastSeen = day > lastSeen ? day : lastSeen;
        }

        // The big-order counts above were kept as the events arrived, as ingest keeps them for a filter already in use:
        // marked complete, so the refresh does not backfill them from a timeline these synthetic profiles do not have.
        profile.Rollups.Backfilled[bigOrder.Key] = RollupDays.Key(signup);
        computed.LastSeen = lastSeen;
        computed.LastChannel = "web";
        computed.LastSource = Source;
        for (var i = 0; i < Math.Min(computed.EventCount, 50); i++)
        {
            profile.RecentMessageIds.Add(string.Create(CultureInfo.InvariantCulture, $"ajs-next-{random.NextInt64():x16}{random.NextInt64():x16}"));
        }

        return lastSeen;
    }

    private static void Count(Profile profile, DayRollup rollup, string name, int count)
    {
        if (count == 0)
        {
            return;
        }

        rollup.Counts[name] = rollup.Counts.GetValueOrDefault(name) + count;
        profile.Computed.EventCounts[name] = profile.Computed.EventCounts.GetValueOrDefault(name) + count;
        profile.Computed.EventCount += count;
    }

    private static JsonElement Text(string value)
    {
        lock (Texts)
        {
            if (!Texts.TryGetValue(value, out var element))
            {
                element = Element(Quoted(value));
                Texts[value] = element;
            }

            return element;
        }
    }

    private static string Quoted(string value) => "\"" + JsonEncodedText.Encode(value) + "\"";

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
