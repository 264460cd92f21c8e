using Cdp.Azure.Ingestion;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Tests.Ingestion;

public sealed class ConfiguredSourceDirectoryTests
{
    private const string SomeKeyHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task FindByWriteKeyAsync_KeyWhoseHashIsConfigured_ReturnsItsSource()
    {
        var directory = Directory(new SourceRegistration { Id = "web", Name = "Website", WriteKeySha256 = ConfiguredSourceDirectory.HashOf("wk-web-123").ToUpperInvariant() });

        Assert.Equal(new Source("web", "Website"), await directory.FindByWriteKeyAsync("wk-web-123", CancellationToken.None));
    }

    [Fact]
    public async Task FindByWriteKeyAsync_UnknownKeyOrTheHashItself_ReturnsNull()
    {
        var hash = ConfiguredSourceDirectory.HashOf("wk-web-123");
        var directory = Directory(new SourceRegistration { Id = "web", WriteKeySha256 = hash });

        Assert.Null(await directory.FindByWriteKeyAsync("wk-other", CancellationToken.None));
        Assert.Null(await directory.FindByWriteKeyAsync(hash, CancellationToken.None));
    }

    [Fact]
    public async Task FindByWriteKeyAsync_NoName_UsesTheIdAsName()
    {
        var directory = Directory(new SourceRegistration { Id = "pos", WriteKeySha256 = ConfiguredSourceDirectory.HashOf("k") });

        Assert.Equal("pos", (await directory.FindByWriteKeyAsync("k", CancellationToken.None))?.Name);
    }

    [Fact]
    public void HashOf_Key_IsTheSha256HexThatShellToolsPrint()
    {
        // printf %s "abc" | sha256sum
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ConfiguredSourceDirectory.HashOf("abc"));
    }

    [Fact]
    public void Validate_TwoSourcesWithOneKey_FailsNamingTheSecond()
    {
        var result = new SourceDirectoryOptionsValidator().Validate(null, new SourceDirectoryOptions
        {
            Sources = [new() { Id = "a", WriteKeySha256 = SomeKeyHash }, new() { Id = "b", WriteKeySha256 = SomeKeyHash.ToUpperInvariant() }],
        });

        Assert.True(result.Failed);
        Assert.Contains("Cdp:Sources:1:WriteKeySha256", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindByWriteKeyAsync_AllowedOriginsConfigured_SourceCarriesThemNormalized()
    {
        var directory = Directory(new SourceRegistration
        {
            Id = "web", WriteKeySha256 = ConfiguredSourceDirectory.HashOf("k"), AllowedOrigins = ["https://Shop.Example/", "http://localhost:3000"],
        });

        var source = await directory.FindByWriteKeyAsync("k", CancellationToken.None);

        Assert.Equal(["https://shop.example", "http://localhost:3000"], source!.AllowedOrigins);
        Assert.False(source.AllowsOrigin("https://evil.example"));
    }

    [Fact]
    public void Validate_AllowedOriginThatIsAUrl_FailsNamingTheEntry()
    {
        var result = new SourceDirectoryOptionsValidator().Validate(null, new SourceDirectoryOptions
        {
            Sources = [new() { Id = "a", WriteKeySha256 = SomeKeyHash, AllowedOrigins = ["*", "https://shop.example/cart"] }],
        });

        Assert.True(result.Failed);
        Assert.Contains("Cdp:Sources:0:AllowedOrigins:1", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ConfiguredSourceDirectory Directory(params SourceRegistration[] sources) =>
        new(Options.Create(new SourceDirectoryOptions { Sources = [.. sources] }));
}
