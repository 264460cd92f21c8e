using System.Text;
using Cdp.Core.Destinations;
using StandardWebhooks;

namespace Cdp.Core.Tests.Destinations;

public sealed class WebhookSignerTests
{
    // The example of the Standard Webhooks specification (and its libraries' test suites).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset SpecTimestamp = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void Sign_SpecificationExample_GivesThePublishedSignature()
    {
        Assert.Equal(SpecSignature, WebhookSigner.Sign(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody)));
    }

    [Fact]
    public void Sign_AnyMessage_MatchesTheReferenceLibrary()
    {
        var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());
        const string body = """{"batch":[{"type":"track","event":"Audience Entered","context":{"traits":{"name":"Zoë ✓"}}}]}""";
        var at = new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.Zero);

        Assert.Equal(new StandardWebhook(secret).Sign("vip:p1:crm:1", at, body),
            WebhookSigner.Sign(secret, "vip:p1:crm:1", at, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Headers_SignedNow_VerifyWithTheReferenceLibrary()
    {
        var body = Encoding.UTF8.GetBytes("""{"batch":[]}""");
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (name, value) in WebhookSigner.Headers(SpecSecret, "msg_1", TimeProvider.System.GetUtcNow(), body))
        {
            headers[name] = value;
        }

        new StandardWebhook(SpecSecret).Verify(Encoding.UTF8.GetString(body), headers);
        Assert.Equal("msg_1", headers["webhook-id"]);
    }

    [Fact]
    public void Verify_SpecificationExampleWithinTolerance_Holds()
    {
        Assert.True(WebhookSigner.Verify(SpecSecret, SpecId, "1614265330", "v1,bm9ldHUjKzFob2VudXRob2VodWUzMjRvdWVvdW9ldQo= " + SpecSignature,
            Encoding.UTF8.GetBytes(SpecBody), SpecTimestamp.AddMinutes(4), WebhookSigner.DefaultTolerance));
    }

    [Theory]
    [InlineData(SpecId, "1614265330", SpecBody + " ", 0)]
    [InlineData("msg_other", "1614265330", SpecBody, 0)]
    [InlineData(SpecId, "1614265331", SpecBody, 0)]
    [InlineData(SpecId, "not-a-time", SpecBody, 0)]
    [InlineData(SpecId, "1614265330", SpecBody, 6)]
    [InlineData(SpecId, "1614265330", SpecBody, -6)]
    public void Verify_AlteredOrStaleMessage_Fails(string id, string timestamp, string body, int minutesLater)
    {
        Assert.False(WebhookSigner.Verify(SpecSecret, id, timestamp, SpecSignature, Encoding.UTF8.GetBytes(body),
            SpecTimestamp.AddMinutes(minutesLater), WebhookSigner.DefaultTolerance));
    }

    [Fact]
    public void Verify_ReferenceLibrarySignature_Holds()
    {
        var at = new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.Zero);
        const string body = """{"batch":[{"type":"track","event":"Audience Exited"}]}""";
        var signature = new StandardWebhook(SpecSecret).Sign("d-1", at, body);

        Assert.True(WebhookSigner.Verify(SpecSecret, "d-1", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            signature, Encoding.UTF8.GetBytes(body), at, WebhookSigner.DefaultTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_not base64!")]
    public void KeyOf_NotAWhsecSecret_IsNull(string? secret) => Assert.Null(WebhookSigner.KeyOf(secret));
}
