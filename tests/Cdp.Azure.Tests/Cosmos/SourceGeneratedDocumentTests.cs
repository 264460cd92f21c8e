using System.Text.Json;
using System.Text.Json.Serialization;
using Cdp.Azure.Cosmos;
using Cdp.Azure.Ingestion;
using Cdp.Core;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;

namespace Cdp.Azure.Tests.Cosmos;

/// <summary>
/// The Cosmos serializer reads and writes the ingestion path's documents through source-generated metadata, and
/// writes exactly the bytes the reflection-based serializer wrote before: documents already stored stay readable.
/// </summary>
public sealed class SourceGeneratedDocumentTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(1));

    /// <summary>What the Cosmos client used before: the same settings, metadata by reflection.</summary>
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    [Theory]
    [InlineData(typeof(Profile))]
    [InlineData(typeof(TimelineEvent))]
    [InlineData(typeof(IdentityLink))]
    [InlineData(typeof(DedupEntry))]
    [InlineData(typeof(Cdp.Azure.Profiles.CosmosTimelineStore.RawBlobReference))]
    public void IngestionDocuments_AreServedBySourceGeneratedMetadata(Type document)
    {
        var resolver = CosmosClientFactory.SerializerOptions.GetTypeInfo(document).OriginatingResolver;

        Assert.IsAssignableFrom<JsonSerializerContext>(resolver);
    }

    [Fact]
    public void Profile_WithEverySection_IsWrittenAsTheReflectionSerializerWroteIt()
    {
        var profile = RichProfile();

        var generated = JsonSerializer.Serialize(profile, CosmosClientFactory.SerializerOptions);

        Assert.Equal(JsonSerializer.Serialize(profile, Reflection), generated);
        var back = JsonSerializer.Deserialize<Profile>(generated, CosmosClientFactory.SerializerOptions)!;
        Assert.Equal(generated, JsonSerializer.Serialize(back, Reflection));
    }

    [Fact]
    public void TimelineEventLinkAndDedupEntry_AreWrittenAsTheReflectionSerializerWroteThem()
    {
        var e = new TimelineEvent
        {
            Id = "m-1",
            ProfileId = "p-1",
            Type = "track",
            Name = "Order Completed",
            Timestamp = Now,
            ReceivedAt = Now.AddSeconds(1),
            SourceId = "src-web",
            Properties = new() { ["revenue"] = JsonSerializer.SerializeToElement(42.5), ["items"] = JsonSerializer.SerializeToElement(new[] { "a", "b" }) },
            Context = new() { ["page"] = JsonSerializer.SerializeToElement(new { path = "/checkout" }) },
        };

        AssertSameAsReflection(e);
        AssertSameAsReflection(new IdentityLink("email:abc", "p-1", Now, Now.AddDays(1)));
        AssertSameAsReflection(new DedupEntry("h", "m-1", Now, 86_400));
    }

    private static void AssertSameAsReflection<T>(T document)
    {
        var stored = JsonSerializer.Serialize(document, Reflection);
        Assert.Equal(stored, JsonSerializer.Serialize(document, CosmosClientFactory.SerializerOptions));

        // A document stored before reads back whole: written again by the old serializer, nothing differs.
        var read = JsonSerializer.Deserialize<T>(stored, CosmosClientFactory.SerializerOptions);
        Assert.Equal(stored, JsonSerializer.Serialize(read, Reflection));
    }

    private static Profile RichProfile()
    {
        var profile = new Profile
        {
            Id = "p-1",
            CreatedAt = Now,
            UpdatedAt = Now.AddMinutes(5),
            Version = 7,
            Traits =
            {
                ["firstName"] = new TraitValue(JsonSerializer.SerializeToElement("Ada"), Now, "web"),
                ["address"] = new TraitValue(JsonSerializer.SerializeToElement(new { city = "Zürich", zip = "8001" }), Now, "crm"),
                ["LTV"] = new TraitValue(JsonSerializer.SerializeToElement(12.5m), Now, "crm"),
            },
            Identifiers = { new ProfileIdentifier("email", "ada@example.com", "email:abc", Now) },
            Computed =
            {
                FirstSeen = Now,
                LastSeen = Now.AddMinutes(5),
                EventCount = 3,
                EventCounts = { ["page"] = 2, ["Order Completed"] = 1 },
                Sums = { ["Order Completed.revenue"] = 42.5m },
                LastChannel = "web",
                LastSource = "src-web",
            },
            RawBlobs = ["2025/03/01/12/abc.ndjson"],
            RecentMessageIds = { "m-1", "m-2" },
            Consent = { ["marketing"] = new ConsentState(false, Now, "web") },
            ConsentHistory = { new ConsentHistoryEntry("marketing", false, Now, "web", "m-1") },
            History = { new ProfileHistoryEntry(Now, HistoryKinds.Created, "first seen", MessageId: "m-1") },
            Segments = { ["vip"] = new SegmentMembership(true, Now, 1, ["crm"]) },
        };
        profile.Rollups.Days["2025-03-01"] = new DayRollup { Counts = { ["page"] = 2 }, Sums = { ["Order Completed.revenue"] = 42.5m } };
        profile.Rollups.Backfilled["vip"] = "2025-03-01";
        return profile;
    }
}
