using System.Text;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Privacy;

public sealed class SubjectMatcherTests
{
    private static readonly IOptions<IdentityOptions> Options = Microsoft.Extensions.Options.Options.Create(TestOptions.Identity());
    private static readonly SubjectMatchers Matchers =
        new(new IdentifierExtractor(Options, NullLogger<IdentifierExtractor>.Instance), new IdentityHasher(Options));

    [Fact]
    public void Filter_MixedFile_RemovesTheSubjectsLinesAndKeepsOthersByteForByte()
    {
        var matcher = Matchers.For([new SubjectIdentity("userId", "u-1"), new SubjectIdentity("email", "jane@example.com")]);
        const string other = """{"type":"track","messageId":"m-2","userId":"u-10","event":"Zoë's \u00e9vent","properties":{"note":"hi u-1"}}""";
        var ndjson = string.Join('\n',
            """{"type":"track","messageId":"m-1","userId":"u-1","event":"A"}""",
            other,
            """{"type":"identify","messageId":"m-3","anonymousId":"a-9","traits":{"email":" JANE@example.com "}}""",
            """{"type":"track","messageId":"m-4","anonymousId":"a-8","properties":{"referrer":"friend jane@example.com sent me"}}""") + "\n";

        var result = Matchers.For([new SubjectIdentity("userId", "u-1"), new SubjectIdentity("email", "jane@example.com")])
            .Filter(Encoding.UTF8.GetBytes(ndjson));

        Assert.Equal(3, result.Removed);
        Assert.Equal(["m-1", "m-3", "m-4"], result.RemovedMessageIds);
        Assert.Equal(other + "\n", Encoding.UTF8.GetString(result.Kept));
        Assert.Equal(0, matcher.CountTraces(result.Kept));
    }

    [Fact]
    public void Filter_ValueMentionedExactlyInAProperty_RemovesTheLine()
    {
        var result = Matchers.For([new SubjectIdentity("userId", "u-1")])
            .Filter("""{"type":"track","messageId":"m-1","anonymousId":"a-1","properties":{"referredBy":"u-1"}}"""u8.ToArray());

        Assert.Equal(1, result.Removed);
        Assert.Empty(result.Kept);
    }

    [Fact]
    public void Filter_DamagedLine_IsJudgedOnItsBytes()
    {
        var result = Matchers.For([new SubjectIdentity("email", "jane@example.com")])
            .Filter("{\"userId\":\"jane@example.com\", broken\n{not json at all\n"u8.ToArray());

        Assert.Equal(1, result.Removed);
        Assert.Equal("{not json at all\n", Encoding.UTF8.GetString(result.Kept));
    }

    [Fact]
    public void Filter_LineCarryingTheIdentityHash_IsRemoved()
    {
        var identity = new SubjectIdentity("email", "jane@example.com");
        var hash = Matchers.IdentityId(identity).Split(':')[1];

        var result = Matchers.For([identity]).Filter(Encoding.UTF8.GetBytes($$$"""{"messageId":"m-1","userId":"x","properties":{"h":"{{{hash}}}"}}"""));

        Assert.Equal(1, result.Removed);
    }

    [Fact]
    public void SuppressionKey_IsNotTheIdentityHash()
    {
        var keys = new SuppressionKeys(Options);
        var identity = new SubjectIdentity("email", "jane@example.com");

        var key = keys.For(identity);

        Assert.StartsWith("email:", key, StringComparison.Ordinal);
        Assert.Equal(key, keys.For("email", "jane@example.com"));
        Assert.DoesNotContain(Matchers.IdentityId(identity).Split(':')[1], key, StringComparison.Ordinal);
        Assert.NotEqual(key, keys.For("email", "bob@example.com"));
    }
}
