using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using CsCheck;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Identity;

/// <summary>
/// The identity index and the suppression list hold keys made long ago: a reused keyed state must give the one-shot
/// HMAC's output, or stored links and erased subjects would stop matching their people.
/// </summary>
public sealed class PepperedMacTests
{
    private const string OtherPepper = "another-pepper-of-16+chars";

    // Any text: ASCII, accents, other scripts, surrogate pairs; long enough to pass the stack-built input's limit.
    private static readonly Gen<string> GenText =
        Gen.OneOf(Gen.Char["abcXYZ019@.+-_ "], Gen.Char['\u00e0', '\u00ff'], Gen.Char['\u4e00', '\u4e20'], Gen.Const('\ud83d'))
            .Array[0, 700]
            .Select(chars => new string(chars).Replace("\ud83d", "\ud83d\ude00", StringComparison.Ordinal));

    [Fact]
    public void IdentityIdAndSuppressionKey_AnyIdentifier_AreTheOneShotHmacsAsStoredBefore()
    {
        var identityOptions = Options.Create(TestOptions.Identity());
        var hasher = new IdentityHasher(identityOptions);
        var suppression = new SuppressionKeys(identityOptions);

        Gen.Select(Gen.OneOf(Gen.Const("email"), Gen.Const("userId"), Gen.Const("crmId")), GenText).Sample((type, value) =>
        {
            var identifier = new Identifier(type, value);

            Assert.Equal(type + ":" + OneShot(TestOptions.Pepper, type + ":" + value), hasher.IdentityId(identifier));
            Assert.Equal(OneShot(TestOptions.Pepper, type + ":" + value), hasher.Hash(identifier));
            Assert.Equal(type + ":" + OneShot(TestOptions.Pepper, "suppress:" + type + ":" + value), suppression.For(type, value));
        });
    }

    [Fact]
    public void TwoPeppers_InterleavedOnOneThread_EachGivesItsOwnMac()
    {
        var mine = new PepperedMac(TestOptions.Pepper);
        var other = new PepperedMac(OtherPepper);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(OneShot(TestOptions.Pepper, "email:jane@example.com"), mine.Hex(string.Empty, "email", "jane@example.com"));
            Assert.Equal(OneShot(OtherPepper, "email:jane@example.com"), other.Hex(string.Empty, "email", "jane@example.com"));
        }
    }

    [Fact]
    public async Task ManyThreads_AtOnce_GiveTheKeysOneThreadGives()
    {
        var mac = new PepperedMac(TestOptions.Pepper);
        var values = Enumerable.Range(0, 2_000).Select(i => $"user-{i}@example.com").ToArray();
        var expected = values.Select(v => "email:" + OneShot(TestOptions.Pepper, "email:" + v)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => values.Select(v => mac.TypedKey(string.Empty, "email", v)).ToArray())));

        Assert.All(results, keys => Assert.Equal(expected, keys));
    }

    private static string OneShot(string pepper, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(pepper), Encoding.UTF8.GetBytes(text)));
}
