using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// The profile document's parts as stored: names, order and omitted nulls are what documents already in Cosmos DB and
/// SQLite hold, so the reader must give every part back and the writer must write the same bytes.
/// </summary>
public sealed class ProfileDocumentLayoutTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 26, 53, TimeSpan.FromHours(1));

    [Fact]
    public void Write_ProfileWithEveryPart_StoresEachPartInItsLayout()
    {
        using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(Filled(), CdpJsonContext.Default.Profile));
        var root = json.RootElement;

        Assert.Equal("""{"value":{"city":"Oslo"},"updatedAt":"2026-03-14T09:26:53+01:00","source":"src-web"}""", root.GetProperty("traits").GetProperty("address").GetRawText());
        Assert.Equal("""{"type":"email","value":"ada@example.com","identityId":"email:abc","firstSeen":"2026-03-14T09:26:53+01:00"}""", root.GetProperty("identifiers")[0].GetRawText());
        Assert.Equal("""{"granted":true,"updatedAt":"2026-03-14T09:26:53+01:00","source":"src-web"}""", root.GetProperty("consent").GetProperty("marketing").GetRawText());
        Assert.Equal("""{"purpose":"marketing","granted":true,"at":"2026-03-14T09:26:53+01:00","source":"src-web","messageId":"m-1"}""", root.GetProperty("consentHistory")[0].GetRawText());
        Assert.Equal("""{"purpose":"analytics","granted":false,"at":"2026-03-14T09:26:53+01:00","source":"src-web"}""", root.GetProperty("consentHistory")[1].GetRawText());
        Assert.Equal("""{"at":"2026-03-14T09:26:53+01:00","kind":"identifierAdded","description":"email added","identityId":"email:abc","messageId":"m-1"}""", root.GetProperty("history")[0].GetRawText());
        Assert.Equal("""{"at":"2026-03-14T09:26:53+01:00","kind":"mergedFrom","description":"merged","otherProfileId":"p-2"}""", root.GetProperty("history")[1].GetRawText());
    }

    [Fact]
    public void Read_StoredProfile_GivesEveryPartBackAndWritesTheSameBytes()
    {
        var stored = JsonSerializer.SerializeToUtf8Bytes(Filled(), CdpJsonContext.Default.Profile);

        var read = JsonSerializer.Deserialize(stored, CdpJsonContext.Default.Profile)!;

        var expected = Filled();
        Assert.Equal(expected.Identifiers, read.Identifiers);
        Assert.Equal(expected.Consent, read.Consent);
        Assert.Equal(expected.ConsentHistory, read.ConsentHistory);
        Assert.Equal(expected.History, read.History);
        Assert.Equal("Oslo", read.Traits["address"].Value.GetProperty("city").GetString());
        Assert.Equal(At, read.Traits["address"].UpdatedAt);
        Assert.Equal(At.Offset, read.Traits["address"].UpdatedAt.Offset);
        Assert.Equal("src-web", read.Traits["address"].Source);
        Assert.Equal(stored, JsonSerializer.SerializeToUtf8Bytes(read, CdpJsonContext.Default.Profile));
    }

    private static Profile Filled()
    {
        var profile = new Profile { Id = "p-1", CreatedAt = At, UpdatedAt = At };
        profile.Traits["address"] = new TraitValue(JsonElement.Parse("""{"city":"Oslo"}"""), At, "src-web");
        profile.Identifiers.Add(new ProfileIdentifier("email", "ada@example.com", "email:abc", At));
        profile.Consent["marketing"] = new ConsentState(true, At, "src-web");
        profile.ConsentHistory.Add(new ConsentHistoryEntry("marketing", true, At, "src-web", "m-1"));
        profile.ConsentHistory.Add(new ConsentHistoryEntry("analytics", false, At, "src-web"));
        profile.AddHistory(new ProfileHistoryEntry(At, HistoryKinds.IdentifierAdded, "email added", IdentityId: "email:abc", MessageId: "m-1"));
        profile.AddHistory(new ProfileHistoryEntry(At, HistoryKinds.MergedFrom, "merged", OtherProfileId: "p-2"));
        return profile;
    }
}
