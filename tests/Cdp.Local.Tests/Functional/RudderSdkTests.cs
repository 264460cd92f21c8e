using Cdp.Local.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cdp.Local.Tests.Functional;

/// <summary>
/// The unchanged RudderStack Node SDK with its defaults (gzipped JSON posted to <c>{dataPlaneUrl}/v1/batch</c>, write
/// key as the Basic user name) delivers to the host (tests/node/rudder-sdk.mjs).
/// </summary>
[Collection(RealClients.Name)]
public sealed class RudderSdkTests(ITestOutputHelper log)
{
    private const string Key = "rudder-sdk-test-key";

    [Fact]
    public async Task RudderSdkNode_Defaults_ProfileShowsTraitsAndCounts()
    {
        await NodeScript.EnsureNodeModulesAsync();
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, $"--Cdp:Local:DefaultWriteKey={Key}");

        var (exitCode, output) = await NodeScript.RunAsync("rudder-sdk.mjs", host.Url, Key, "rudder-user-1", "Rudder.User@Example.com");
        log.WriteLine(output);

        Assert.True(exitCode == 0, "rudder-sdk.mjs failed: " + output);
        // What the SDK sends by default: its gzipped JSON under axios's label for a byte buffer.
        Assert.Contains($"wire: POST {host.Url}/v1/batch content-type=application/x-www-form-urlencoded content-encoding=gzip auth=Basic -> 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain("-> 4", output, StringComparison.Ordinal);
        var client = host.Client(Key);
        var profile = await client.WaitForProfileAsync("email", "rudder.user@example.com", p => p.EventCount() >= 3);
        Assert.Equal(profile.Id(), (await client.FindProfileAsync("userId", "rudder-user-1"))!.Id());
        Assert.Equal("Rudder Tester", profile.Trait("name"));
        Assert.Equal("team", profile.Trait("plan"));
        Assert.Equal(1, profile.CountOf("identify"));
        Assert.Equal(1, profile.CountOf("page"));
        Assert.Equal(1, profile.CountOf("Plan Upgraded"));
        Assert.Equal(3, profile.EventCount());
    }
}
