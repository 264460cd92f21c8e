using System.Net;
using Cdp.Local.Privacy;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Privacy;

public sealed class PrivacySettingsTests
{
    [Theory]
    [InlineData("Cdp:Local:ComplianceKey", "too-short")]
    [InlineData("Cdp:Local:ApiKeys:0:KeySha256", "not-hex")]
    [InlineData("Cdp:Local:ApiKeys:0:Name", "has spaces")]
    [InlineData("Cdp:Privacy:CallbackSecret", "short")]
    [InlineData("Cdp:Privacy:CallbackAttempts", "0")]
    public void Start_BadPrivacySetting_FailsNamingTheSetting(string setting, string value)
    {
        using var data = new TempDataDirectory();
        var settings = PrivacyKeys.Settings.Where(s => s.Key != setting).Append((setting, value)).ToArray();
        using var host = new LocalHostFactory(data.Path, settings);

        var error = Record.Exception(() => host.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(setting, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoKeyConfigured_PrivacyRoutesAnswer401AndCallbackSecretIsGeneratedOnce()
    {
        using var data = new TempDataDirectory();
        var secretFile = Path.Combine(data.Path, CallbackSecretFile.FileName);
        string secret;
        using (var first = new LocalHostFactory(data.Path))
        {
            var response = await new PrivacyClient(first.CreateClient()).GetAsync("/api/privacy/discovery");
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            secret = await File.ReadAllTextAsync(secretFile);
        }

        Assert.True(secret.Trim().Length >= 32);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        }

        using var second = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        Assert.Equal(HttpStatusCode.OK, (await new PrivacyClient(second.CreateClient()).GetAsync("/api/privacy/discovery")).Status);
        Assert.Equal(secret, await File.ReadAllTextAsync(secretFile));
    }
}
