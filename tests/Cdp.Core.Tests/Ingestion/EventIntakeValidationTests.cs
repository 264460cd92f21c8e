using System.Text;
using System.Text.Json.Nodes;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>Malformed requests, wrong field types and missing required fields.</summary>
public sealed class EventIntakeValidationTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("{\"batch\":[{\"type\":\"track\"", "malformed JSON")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("{}", "\"batch\" array")]
    [InlineData("{\"batch\":{}}", "\"batch\" must be an array")]
    [InlineData("{\"batch\":[]} {}", "malformed JSON")]
    [InlineData("{\"batch\":[],\"context\":[1]}", "context must be a JSON object")]
    [InlineData("{\"batch\":[],\"sentAt\":\"last tuesday\"}", "sentAt must be an ISO-8601")]
    [InlineData("{\"batch\":[],\"writeKey\":42}", "writeKey must be a string")]
    public async Task AcceptAsync_BatchBodyUnreadable_IsInvalidNamingTheProblem(string body, string expected)
    {
        var result = await _core.SendAsync(IngestRoute.Batch, Encoding.UTF8.GetBytes(body), CoreHarness.Basic(CoreHarness.WriteKey));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"userId\":", "malformed JSON")]
    [InlineData("[{\"userId\":\"u1\"}]", "JSON object")]
    [InlineData("{\"userId\":\"u1\"} x", "malformed JSON")]
    [InlineData("", "empty")]
    public async Task AcceptAsync_SingleCallBodyUnreadable_IsInvalidNamingTheProblem(string body, string expected)
    {
        var result = await _core.SendAsync(IngestRoute.Identify, Encoding.UTF8.GetBytes(body), CoreHarness.Basic(CoreHarness.WriteKey));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_EmptyBatch_IsInvalid()
    {
        var result = await _core.BatchAsync(new BatchBuilder());

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Equal("batch is empty", result.Error);
    }

    [Fact]
    public async Task AcceptAsync_UserIdIsAnObject_RejectedWithReasonNamingUserId()
    {
        var result = await _core.SendAsync(IngestRoute.Identify, EventBuilder.Identify().UserId(new JsonObject { ["id"] = 1 }));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.StartsWith("userId: ", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("userId: ", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(42, "42")]
    [InlineData(12345678901234, "12345678901234")]
    public async Task AcceptAsync_UserIdIsANumber_AcceptedAsItsDigits(long userId, string expected)
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Signed Up").UserId(userId));

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(expected, Assert.Single(result.Accepted).UserId);
    }

    public static TheoryData<string, JsonNode, string> WrongTypes => new()
    {
        { "userId", new JsonArray(1, 2), "userId: must be a string or a number" },
        { "anonymousId", true, "anonymousId: must be a string or a number" },
        { "event", 5, "event: has the wrong type" },
        { "traits", new JsonArray("a"), "traits: has the wrong type (expected an object)" },
        { "properties", "price=3", "properties: has the wrong type (expected an object)" },
        { "context", 7, "context: has the wrong type (expected an object)" },
        { "messageId", new JsonObject(), "messageId: has the wrong type" },
        { "timestamp", "yesterday", "timestamp: " },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task AcceptAsync_FieldOfTheWrongType_RejectsTheItemNamingTheField(string field, JsonNode value, string expected)
    {
        var batch = new BatchBuilder().Add(
            EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("good"),
            EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("bad").With(field, value));

        var result = await _core.BatchAsync(batch);

        Assert.Equal("good", Assert.Single(result.Accepted).MessageId);
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(1, rejected.Index);
        Assert.StartsWith(expected, rejected.Reason, StringComparison.Ordinal);
    }

    /// <summary>The reason should tell a developer what a date must look like, not only that it is wrong.</summary>
    [Fact]
    public async Task AcceptAsync_TimestampNotADate_ReasonSaysIso8601()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1").With("timestamp", "yesterday"));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Equal("timestamp: must be an ISO-8601 date-time string", result.Error);
    }

    [Fact]
    public async Task AcceptAsync_ReasonForAWrongType_DoesNotEchoThePayload()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1").With("event", new JsonObject { ["secret"] = "jane@example.com" }));

        Assert.DoesNotContain("jane@example.com", result.Error, StringComparison.Ordinal);
    }

    public static TheoryData<EventBuilder, string> MissingFields => new()
    {
        { EventBuilder.Track("Viewed"), "userId or anonymousId is required" },
        { EventBuilder.Track("Viewed").UserId("   ").AnonymousId(string.Empty), "userId or anonymousId is required" },
        { EventBuilder.Track("Viewed").UserId(null), "userId or anonymousId is required" },
        { EventBuilder.Track("Viewed").UserId("u1").Without("event"), "event is required for track" },
        { EventBuilder.Track("  ").UserId("u1"), "event is required for track" },
        { EventBuilder.OfType("group").UserId("u1"), "groupId is required for group" },
        { EventBuilder.OfType("alias").UserId("u1"), "previousId is required for alias" },
        { EventBuilder.Alias("a1").AnonymousId("a2"), "userId is required for alias" },
        { EventBuilder.OfType("purchase").UserId("u1"), "type \"purchase\" is not one of" },
        { EventBuilder.OfType(null).UserId("u1"), "type is required" },
        { EventBuilder.Track("Viewed").UserId(new string('u', EventNormalizer.MaxIdLength + 1)), "limited to 1024 characters" },
        { EventBuilder.Track("Viewed").UserId("u1").MessageId(new string('m', EventNormalizer.MaxMessageIdLength + 1)), "messageId is limited" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public async Task AcceptAsync_RequiredFieldMissing_RejectsTheItemWithAReason(EventBuilder item, string expected)
    {
        var result = await _core.BatchAsync(new BatchBuilder().Add(item));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Equal("no valid events in batch", result.Error);
        Assert.Contains(expected, Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_TrackRouteWithoutEvent_IsInvalidWithTheReasonAsError()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.OfType(null).UserId("u1"));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Equal("event is required for track", result.Error);
    }

    [Theory]
    [InlineData(IngestRoute.Group, "groupId is required for group")]
    [InlineData(IngestRoute.Alias, "previousId is required for alias")]
    public async Task AcceptAsync_SingleRouteMissingItsField_IsInvalid(IngestRoute route, string expected)
    {
        var result = await _core.SendAsync(route, EventBuilder.OfType(null).UserId("u1"));

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public async Task AcceptAsync_GroupAndAliasWithTheirFields_AreAccepted()
    {
        var result = await _core.BatchAsync(new BatchBuilder().Add(
            EventBuilder.Group("g1").UserId("u1"),
            EventBuilder.Alias("anon-1").UserId("u1"),
            EventBuilder.Group("g2").With("groupId", 77).AnonymousId("a1")));

        Assert.Equal(3, result.Accepted.Count);
        Assert.Empty(result.Rejected);
        Assert.Equal("77", result.Accepted[2].GroupId);
    }

    [Fact]
    public async Task AcceptAsync_RouteDecidesTheType_WhateverTheBodySays()
    {
        var result = await _core.SendAsync(IngestRoute.Page, EventBuilder.OfType("identify").AnonymousId("a1"));

        Assert.Equal(EventTypes.Page, Assert.Single(result.Accepted).Type);
    }

    [Fact]
    public async Task AcceptAsync_TypeInAnyCaseInBatch_IsNormalizedToLowerCase()
    {
        var result = await _core.BatchAsync(new BatchBuilder().Add(EventBuilder.OfType(" Track ").With("event", "Viewed").UserId("u1")));

        Assert.Equal(EventTypes.Track, Assert.Single(result.Accepted).Type);
    }

    [Fact]
    public async Task AcceptAsync_IdsWithSurroundingSpaces_AreTrimmed()
    {
        var result = await _core.SendAsync(IngestRoute.Identify, EventBuilder.Identify().UserId("  u1 ").AnonymousId(" a1"));

        var accepted = Assert.Single(result.Accepted);
        Assert.Equal("u1", accepted.UserId);
        Assert.Equal("a1", accepted.AnonymousId);
    }

    [Fact]
    public async Task AcceptAsync_BatchMixingValidAndInvalidItems_KeepsValidOnesAndReportsEachRejectedByIndex()
    {
        var batch = new BatchBuilder()
            .Add(EventBuilder.Track("Viewed").UserId("u1").MessageId("m0"))
            .Add(EventBuilder.Identify().UserId(new JsonObject()).MessageId("m1"))
            .Add(EventBuilder.Page("Home").AnonymousId("a1").MessageId("m2"))
            .AddRaw(42)
            .Add(EventBuilder.Track("Viewed").MessageId("m4"))
            .AddRaw(new JsonArray(1))
            .Add(EventBuilder.Screen("Cart").AnonymousId("a1").MessageId("m6"))
            .AddRaw(null);

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Null(result.Error);
        Assert.Equal(["m0", "m2", "m6"], result.Accepted.Select(e => e.MessageId));
        Assert.Equal([1, 3, 4, 5, 7], result.Rejected.Select(r => r.Index));
        Assert.StartsWith("userId: ", result.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Equal("event must be a JSON object", result.Rejected[1].Reason);
        Assert.Equal("userId or anonymousId is required", result.Rejected[2].Reason);
        Assert.Equal("event must be a JSON object", result.Rejected[3].Reason);
        Assert.Equal("event must be a JSON object", result.Rejected[4].Reason);
    }

    [Fact]
    public async Task AcceptAsync_UnknownFieldsAtAnyLevel_AreIgnoredAndPropertiesPassThrough()
    {
        var e = EventBuilder.Track("Order Completed").UserId("u1")
            .With("someVendorField", new JsonObject { ["x"] = 1 })
            .Property("items", new JsonArray(new JsonObject { ["sku"] = "A-1", ["qty"] = 2 }));
        var result = await _core.BatchAsync(new BatchBuilder().Add(e).With("vendor", "x"));

        var accepted = Assert.Single(result.Accepted);
        Assert.Equal("A-1", accepted.Properties!["items"][0].GetProperty("sku").GetString());
    }
}
