using System.Text.Json.Nodes;
using Cdp.Core.Identity;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Identity;

public sealed class IdentifierExtractorTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public void Extract_UserAndAnonymousId_AreBothFound()
    {
        var ids = Extract(EventBuilder.Track("A").UserId("u-1").AnonymousId("a-1"));

        Assert.Equal([new Identifier(IdentifierTypes.UserId, "u-1"), new Identifier(IdentifierTypes.AnonymousId, "a-1")], ids);
    }

    [Theory]
    [InlineData("  Jane.Doe@Example.COM ", "jane.doe@example.com")]
    [InlineData("x@y", "x@y")]
    public void Extract_EmailTrait_IsTrimmedAndLowerCased(string raw, string expected)
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("email", raw));

        Assert.Contains(new Identifier(IdentifierTypes.Email, expected), ids);
    }

    [Theory]
    [InlineData("jane")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("jane@doe@example.com")]
    [InlineData("jane doe@example.com")]
    public void Extract_MalformedEmail_IsDropped(string raw)
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("email", raw));

        Assert.DoesNotContain(ids, i => i.Type == IdentifierTypes.Email);
    }

    [Theory]
    [InlineData("(415) 555-2671", "+14155552671")]
    [InlineData("415.555.2671", "+14155552671")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData(" +1 415 555 2671 ", "+14155552671")]
    public void Extract_PhoneTrait_IsE164WithTheDefaultRegion(string raw, string expected)
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("phone", raw));

        Assert.Contains(new Identifier(IdentifierTypes.Phone, expected), ids);
    }

    [Fact]
    public void Extract_PhoneWithoutCountryCode_UsesTheConfiguredRegion()
    {
        _core.With("Cdp:Identity:DefaultPhoneRegion", "GB");

        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("phone", "020 7946 0958"));

        Assert.Contains(new Identifier(IdentifierTypes.Phone, "+442079460958"), ids);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("call me maybe")]
    [InlineData("+1 000 000 0000")]
    public void Extract_InvalidPhone_IsDropped(string raw)
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("phone", raw));

        Assert.DoesNotContain(ids, i => i.Type == IdentifierTypes.Phone);
    }

    [Fact]
    public void Extract_PhoneAsANumber_IsNormalized()
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("phone", 4155552671));

        Assert.Contains(new Identifier(IdentifierTypes.Phone, "+14155552671"), ids);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData(" Undefined ")]
    [InlineData("0")]
    [InlineData("unknown")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void Extract_BlockedUserOrAnonymousId_IsDroppedWhateverItsCase(string raw)
    {
        var ids = Extract(EventBuilder.Track("A").UserId(raw).AnonymousId(raw).DeviceId(raw));

        Assert.Empty(ids);
    }

    [Theory]
    [InlineData("TEST@test.com")]
    [InlineData("  Test@Example.com")]
    public void Extract_BlockedEmail_IsDroppedWhateverItsCase(string raw)
    {
        var ids = Extract(EventBuilder.Identify().UserId("u1").Trait("email", raw));

        Assert.Equal([new Identifier(IdentifierTypes.UserId, "u1")], ids);
    }

    [Fact]
    public void Extract_ConfiguredBlockedValue_IsDropped()
    {
        _core.Configure<IdentityOptions>(o => o.BlockedValues.Add("Guest"));

        var ids = Extract(EventBuilder.Track("A").UserId("guest").AnonymousId("a1"));

        Assert.Equal([new Identifier(IdentifierTypes.AnonymousId, "a1")], ids);
    }

    [Fact]
    public void Extract_ContextDeviceId_IsADeviceId()
    {
        var ids = Extract(EventBuilder.Screen("Home").AnonymousId("a1").DeviceId("B5372DB0-C21E-11E4-8DFC-AA07A5B093DB"));

        Assert.Contains(new Identifier(IdentifierTypes.DeviceId, "B5372DB0-C21E-11E4-8DFC-AA07A5B093DB"), ids);
    }

    [Fact]
    public void Extract_ExternalIds_KeepsConfiguredCustomTypesAndKnownTypesOnly()
    {
        var e = EventBuilder.Track("A").UserId("u1")
            .ExternalId("crmId", "CRM-0042")
            .ExternalId("loyaltyId", 777)
            .ExternalId("shoeSize", "44")
            .ExternalId("email", " Jane@Example.com ");

        var ids = Extract(e);

        Assert.Contains(new Identifier("crmId", "CRM-0042"), ids);
        Assert.Contains(new Identifier("loyaltyId", "777"), ids);
        Assert.Contains(new Identifier(IdentifierTypes.Email, "jane@example.com"), ids);
        Assert.DoesNotContain(ids, i => i.Type == "shoeSize");
    }

    [Fact]
    public void Extract_CustomTypeNotConfigured_IsIgnoredUntilConfigured()
    {
        var e = EventBuilder.Track("A").UserId("u1").ExternalId("memberNo", "M-9");
        Assert.DoesNotContain(Extract(e), i => i.Type == "memberNo");

        using var configured = new CoreHarness().Configure<IdentityOptions>(o => o.CustomTypes.Add("memberNo"));
        Assert.Contains(new Identifier("memberNo", "M-9"), configured.Extractor.Extract(e.ToQueued(TestOptions.Now)));
    }

    [Fact]
    public void Extract_TrackWithContextTraits_FindsEmailAndPhoneThere()
    {
        var e = EventBuilder.Track("Order Completed").AnonymousId("a1")
            .ContextTrait("email", "Buyer@Example.com")
            .ContextTrait("phone", "+1 415 555 2671");

        var ids = Extract(e);

        Assert.Contains(new Identifier(IdentifierTypes.Email, "buyer@example.com"), ids);
        Assert.Contains(new Identifier(IdentifierTypes.Phone, "+14155552671"), ids);
    }

    [Fact]
    public void Extract_SameIdentifierFromTwoPlaces_IsListedOnce()
    {
        var e = EventBuilder.Identify().UserId("u1").Trait("email", "jane@example.com").ExternalId("email", "JANE@example.com");

        Assert.Single(Extract(e), i => i.Type == IdentifierTypes.Email);
    }

    [Fact]
    public void Extract_TraitsOfTheWrongKind_AreIgnored()
    {
        var e = EventBuilder.Identify().UserId("u1")
            .Trait("email", new JsonObject { ["work"] = "a@b.com" })
            .Trait("phone", true)
            .Context("device", "not-an-object")
            .Context("externalIds", new JsonObject());

        Assert.Equal([new Identifier(IdentifierTypes.UserId, "u1")], Extract(e));
    }

    /// <summary>
    /// In a group call, traits describe the group (a company), not the person: a shared company address must
    /// not become every member's email, or all members would be linked into one profile.
    /// </summary>
    [Fact]
    public void Extract_GroupCallTraits_AreNotThePersonsIdentifiers()
    {
        var e = EventBuilder.Group("acme").UserId("u1").Trait("email", "billing@acme.example").Trait("phone", "+1 415 555 2671");

        Assert.Equal([new Identifier(IdentifierTypes.UserId, "u1")], Extract(e));
    }

    private List<Identifier> Extract(EventBuilder e) => _core.Extractor.Extract(e.ToQueued(TestOptions.Now));
}
