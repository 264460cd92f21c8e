using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Azure.Cosmos;
using Cdp.Azure.Ingestion;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Tests.Cosmos;

/// <summary>
/// The documents as the Cosmos SDK's System.Text.Json serializer writes them with our options: the partition key
/// paths (/id, /profileId) and the per-item ttl must be where the containers look for them.
/// </summary>
public sealed class DocumentShapeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CosmosClient _client;
    private readonly CosmosSerializer _serializer;

    public DocumentShapeTests()
    {
        var options = new CdpAzureOptions { CosmosEndpoint = new Uri("https://localhost:8081/"), CosmosKey = TestSettings.EmulatorKey };
        _client = CosmosClientFactory.Create(options, new CdpCredential(Options.Create(options)));
        _serializer = _client.ClientOptions.Serializer;
    }

    [Fact]
    public void Profile_Serialized_HasIdAtRootAndKeepsTraitNamesAsWritten()
    {
        var profile = new Profile
        {
            Id = "p-1",
            CreatedAt = Now,
            UpdatedAt = Now,
            Traits = { ["firstName"] = new TraitValue(JsonSerializer.SerializeToElement("Ada"), Now, "web"), ["LTV"] = new TraitValue(JsonSerializer.SerializeToElement(12.5), Now, "crm") },
            Identifiers = { new ProfileIdentifier("email", "ada@example.com", "email:abc", Now) },
        };

        var json = ToJson(profile);

        Assert.Equal("p-1", (string?)json["id"]);
        Assert.NotNull(json["traits"]?["LTV"]);
        Assert.Null(json["mergedInto"]);
        var back = RoundTrip(profile);
        Assert.Equal("Ada", back.Traits["firstName"].Value.GetString());
        Assert.Equal(12.5, back.Traits["LTV"].Value.GetDouble());
        Assert.Equal(profile.Identifiers, back.Identifiers);
        Assert.Equal(Now, back.CreatedAt);
    }

    [Fact]
    public void TimelineEvent_Serialized_HasProfileIdForThePartitionAndTimestampForOrdering()
    {
        var e = new TimelineEvent
        {
            Id = "m-1",
            ProfileId = "p-1",
            Type = "track",
            Name = "Order Completed",
            Timestamp = Now,
            ReceivedAt = Now,
            Properties = new() { ["revenue"] = JsonSerializer.SerializeToElement(30) },
        };

        var json = ToJson(e);

        Assert.Equal("m-1", (string?)json["id"]);
        Assert.Equal("p-1", (string?)json["profileId"]);
        Assert.NotNull(json["timestamp"]);
        var back = RoundTrip(e);
        Assert.Equal(30, back.Properties!["revenue"].GetInt32());
    }

    [Fact]
    public void IdentityLink_Serialized_HasIdAtRoot()
    {
        var json = ToJson(new IdentityLink("email:abc", "p-1", Now, Now));

        Assert.Equal("email:abc", (string?)json["id"]);
        Assert.Equal("p-1", (string?)json["profileId"]);
    }

    [Fact]
    public void DedupEntry_Serialized_HasIdAndTtlInSeconds()
    {
        var json = ToJson(new DedupEntry("h", "m-1", Now, 86_400));

        Assert.Equal("h", (string?)json["id"]);
        Assert.Equal(86_400, (int?)json["ttl"]);
    }

    private JsonNode ToJson<T>(T document)
    {
        using var stream = _serializer.ToStream(document);
        return JsonNode.Parse(stream)!;
    }

    public void Dispose() => _client.Dispose();

    private T RoundTrip<T>(T document) => _serializer.FromStream<T>(_serializer.ToStream(document));
}
