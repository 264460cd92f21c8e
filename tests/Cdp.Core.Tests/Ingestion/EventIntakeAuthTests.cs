using System.Text;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>Write keys: HTTP Basic user name or writeKey in the body; missing or unknown → Unauthorized.</summary>
public sealed class EventIntakeAuthTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    public static TheoryData<string> ValidHeaders => new()
    {
        CoreHarness.Basic(CoreHarness.WriteKey),
        CoreHarness.Basic(CoreHarness.WriteKey, "ignored-password"),
        "basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(CoreHarness.WriteKey + ":")),
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(CoreHarness.WriteKey)),
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public async Task AcceptAsync_BasicHeaderWithKnownKey_AcceptsForItsSource(string header)
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1"), header);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(CoreHarness.SourceId, Assert.Single(result.Accepted).SourceId);
    }

    [Fact]
    public async Task AcceptAsync_WriteKeyInBatchBody_Accepts()
    {
        var batch = new BatchBuilder().WriteKey(CoreHarness.WriteKey).Add(EventBuilder.Track("Viewed").UserId("u1"));

        var result = await _core.SendAsync(IngestRoute.Batch, batch.ToBytes(), authorization: null);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(CoreHarness.SourceId, Assert.Single(result.Accepted).SourceId);
    }

    [Fact]
    public async Task AcceptAsync_WriteKeyInSingleCallBody_AcceptsAndDoesNotKeepTheKeyOnTheEvent()
    {
        var e = EventBuilder.Identify().UserId("u1").WriteKey(CoreHarness.WriteKey);

        var result = await _core.SendAsync(IngestRoute.Identify, e.ToBytes(), authorization: null);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Null(Assert.Single(result.Accepted).WriteKey);
    }

    [Fact]
    public async Task AcceptAsync_ClientSuppliedSourceId_IsReplacedByTheKeysSource()
    {
        var e = EventBuilder.Track("Viewed").UserId("u1").With("sourceId", "spoofed");

        var result = await _core.SendAsync(IngestRoute.Track, e);

        Assert.Equal(CoreHarness.SourceId, Assert.Single(result.Accepted).SourceId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer wk_live_test")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic Og==")] // ":" — an empty user name
    public async Task AcceptAsync_NoUsableKeyAnywhere_IsUnauthorizedSayingItIsMissing(string? header)
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1").ToBytes(), header);

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
        Assert.StartsWith("missing write key", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    [Fact]
    public async Task AcceptAsync_UnknownKeyInHeader_IsUnauthorized()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1"), CoreHarness.Basic("wk_other"));

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
        Assert.Equal("unknown write key", result.Error);
    }

    [Fact]
    public async Task AcceptAsync_UnknownKeyInBody_IsUnauthorized()
    {
        var batch = new BatchBuilder().WriteKey("wk_other").Add(EventBuilder.Track("Viewed").UserId("u1"));

        var result = await _core.SendAsync(IngestRoute.Batch, batch.ToBytes(), authorization: null);

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
    }

    [Fact]
    public async Task AcceptAsync_KeyDiffersOnlyInCase_IsUnauthorized()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("Viewed").UserId("u1"), CoreHarness.Basic(CoreHarness.WriteKey.ToUpperInvariant()));

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
    }

    [Fact]
    public async Task AcceptAsync_MalformedBodyWithoutKey_IsUnauthorizedNotInvalid()
    {
        var result = await _core.SendAsync(IngestRoute.Batch, "{oops"u8.ToArray(), authorization: null);

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
    }

    [Fact]
    public async Task AcceptAsync_MalformedBodyWithUnknownKey_IsUnauthorized()
    {
        var result = await _core.SendAsync(IngestRoute.Batch, "{oops"u8.ToArray(), CoreHarness.Basic("wk_other"));

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
        Assert.Equal("unknown write key", result.Error);
    }

    [Fact]
    public async Task AcceptAsync_InvalidItemsWithoutKey_IsUnauthorizedBeforeAnyValidation()
    {
        var batch = new BatchBuilder().Add(EventBuilder.Track("Viewed"));

        var result = await _core.SendAsync(IngestRoute.Batch, batch.ToBytes(), authorization: null);

        Assert.Equal(IntakeStatus.Unauthorized, result.Status);
        Assert.Empty(result.Rejected);
    }

    /// <summary>
    /// A Segment client that authenticates with writeKey in the body and sends a wrong-typed field must hear
    /// which field is wrong (400), not that its key is missing (401): the key is right there.
    /// </summary>
    [Fact]
    public async Task AcceptAsync_SingleCallWithBodyKeyAndAWrongTypedField_IsInvalidNamingTheField()
    {
        var e = EventBuilder.Identify().UserId(new System.Text.Json.Nodes.JsonObject()).WriteKey(CoreHarness.WriteKey);

        var result = await _core.SendAsync(IngestRoute.Identify, e.ToBytes(), authorization: null);

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.StartsWith("userId: ", result.Error, StringComparison.Ordinal);
    }
}
