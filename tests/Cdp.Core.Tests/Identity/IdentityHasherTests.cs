using Cdp.Core.Identity;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Identity;

public sealed class IdentityHasherTests
{
    private static readonly Identifier Email = new(IdentifierTypes.Email, "jane.doe@example.com");

    [Fact]
    public void Hash_SameIdentifierTwice_IsTheSame()
    {
        Assert.Equal(Hasher(TestOptions.Pepper).Hash(Email), Hasher(TestOptions.Pepper).Hash(Email));
    }

    [Fact]
    public void Hash_DifferentPepper_Differs()
    {
        Assert.NotEqual(Hasher(TestOptions.Pepper).Hash(Email), Hasher("another-pepper-of-16+chars").Hash(Email));
    }

    [Fact]
    public void Hash_SameValueOfAnotherType_Differs()
    {
        var hasher = Hasher(TestOptions.Pepper);

        Assert.NotEqual(hasher.Hash(new Identifier(IdentifierTypes.UserId, "42")), hasher.Hash(new Identifier(IdentifierTypes.AnonymousId, "42")));
    }

    [Fact]
    public void IdentityId_Always_IsTypeThenLowerHexSha256AndNeverTheRawValue()
    {
        var id = Hasher(TestOptions.Pepper).IdentityId(Email);

        Assert.Matches("^email:[0-9a-f]{64}$", id);
        Assert.DoesNotContain("jane", id, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example", id, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Hash_IsKeyedNotAPlainDigest()
    {
        // A plain SHA-256 of "type:value" could be reversed with a dictionary of known emails.
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("email:jane.doe@example.com"u8));

        Assert.NotEqual(plain, Hasher(TestOptions.Pepper).Hash(Email));
    }

    [Fact]
    public void Hash_LongValue_IsDeterministicAndDistinctFromItsPrefix()
    {
        var hasher = Hasher(TestOptions.Pepper);
        var value = new string('é', 3000);

        Assert.Equal(hasher.Hash(new Identifier("crmId", value)), hasher.Hash(new Identifier("crmId", value)));
        Assert.NotEqual(hasher.Hash(new Identifier("crmId", value)), hasher.Hash(new Identifier("crmId", value[..2999])));
    }

    [Fact]
    public void WithHash_KeepsTypeAndValueAndAddsTheIdentityId()
    {
        var hasher = Hasher(TestOptions.Pepper);

        var hashed = hasher.WithHash(Email);

        Assert.Equal(new HashedIdentifier(Email.Type, Email.Value, hasher.IdentityId(Email)), hashed);
    }

    private static IdentityHasher Hasher(string pepper) => new(Options.Create(TestOptions.Identity(o => o.Pepper = pepper)));
}
