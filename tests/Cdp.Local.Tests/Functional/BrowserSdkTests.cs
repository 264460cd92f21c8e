using System.Globalization;
using System.Net;
using Cdp.Local.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cdp.Local.Tests.Functional;

/// <summary>
/// The unchanged Segment browser SDK (<c>@segment/analytics-next</c>, its published bundle) in real headless Chromium,
/// on a page served from another origin, loads its settings from the host and delivers to it (tests/node/browser-sdk.mjs).
/// </summary>
[Collection(RealClients.Name)]
public sealed class BrowserSdkTests(ITestOutputHelper log)
{
    private const string Key = "browser-sdk-test-key";

    /// <summary>Allowed besides the test page, so the list really is a list and not "any origin".</summary>
    private const string OtherShop = "https://shop.example";

    [Fact]
    public async Task AnalyticsNext_DefaultDeliveryFromAllowedOrigin_ProfileShowsTraitsAndCounts()
    {
        await PrepareAsync();
        var pagePort = ChildHost.FreePort();
        var page = $"http://127.0.0.1:{pagePort}";
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, HostSettings(page));

        var output = await RunAllowedAsync(host, pagePort, "standard", "browser-user-1", "Browser.One@Example.com");

        Assert.Contains($"browser: GET {host.Url}/v1/projects/{Key}/settings origin={page} -> 200 acao={page}", output, StringComparison.Ordinal);
        foreach (var route in (string[])["i", "p", "t"])
        {
            // One preflighted request per event, on the short routes, as text/plain with the write key in Authorization.
            Assert.Contains($"browser: OPTIONS {host.Url}/v1/{route} origin={page} -> 204 acao={page}", output, StringComparison.Ordinal);
            Assert.Contains($"browser: POST {host.Url}/v1/{route} origin={page} content-type=text/plain auth=Basic -> 200 acao={page}", output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("/v1/b ", output, StringComparison.Ordinal);
        await AssertProfileAsync(host, "browser-user-1", "browser.one@example.com");
    }

    [Fact]
    public async Task AnalyticsNext_BatchingDeliveryFromAllowedOrigin_ProfileShowsTraitsAndCounts()
    {
        await PrepareAsync();
        var pagePort = ChildHost.FreePort();
        var page = $"http://127.0.0.1:{pagePort}";
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, HostSettings(page));

        var output = await RunAllowedAsync(host, pagePort, "batching", "browser-user-2", "Browser.Two@Example.com");

        Assert.Contains($"browser: GET {host.Url}/v1/projects/{Key}/settings origin={page} -> 200 acao={page}", output, StringComparison.Ordinal);
        // The three calls travel together in one batch request.
        Assert.Single(output.Split('\n'), line => line.StartsWith($"browser: POST {host.Url}/v1/b ", StringComparison.Ordinal));
        Assert.Contains($"browser: POST {host.Url}/v1/b origin={page} content-type=text/plain auth=Basic -> 200 acao={page}", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{host.Url}/v1/t ", output, StringComparison.Ordinal);
        await AssertProfileAsync(host, "browser-user-2", "browser.two@example.com");
    }

    [Fact]
    public async Task AnalyticsNext_OriginNotAllowed_RefusedAndNothingStored()
    {
        await PrepareAsync();
        var allowedPage = $"http://127.0.0.1:{ChildHost.FreePort()}";
        var refusedPort = ChildHost.FreePort();
        var refusedPage = $"http://127.0.0.1:{refusedPort}";
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, HostSettings(allowedPage));

        var (exitCode, output) = await NodeScript.RunAsync("browser-sdk.mjs",
            host.Url, Key, "refused-user", "Refused.User@Example.com", refusedPort.ToString(CultureInfo.InvariantCulture), "refused");
        log.WriteLine(output);

        Assert.True(exitCode == 0, "browser-sdk.mjs refused failed: " + output);
        // The settings, the SDK's events (settings given inline) and a simple text/plain POST that needs no preflight:
        // the host answered each from the refused page with 403.
        Assert.Contains($"browser: GET {host.Url}/v1/projects/{Key}/settings origin={refusedPage} -> 403", output, StringComparison.Ordinal);
        Assert.Contains($"browser: POST {host.Url}/v1/i origin={refusedPage} content-type=text/plain auth=Basic -> 403", output, StringComparison.Ordinal);
        Assert.Contains($"browser: POST {host.Url}/v1/t origin={refusedPage} content-type=text/plain -> 403", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" -> 200", output, StringComparison.Ordinal);

        // Nothing was stored: an event sent after them (no Origin, as a server sends) is processed, so anything queued
        // before it would have been too, and the refused user has no profile.
        var client = host.Client(Key);
        var after = await client.PostAsync("/v1/track", Events.Single(Events.Track("after-refused", "Checkout", "after-refused-1")));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        await client.WaitForProfileAsync("userId", "after-refused");
        await client.WaitForEmptyOutboxAsync();
        Assert.Null(await client.FindProfileAsync("userId", "refused-user"));
        Assert.Null(await client.FindProfileAsync("email", "refused.user@example.com"));
    }

    private async Task<string> RunAllowedAsync(ChildHost host, int pagePort, string mode, string userId, string email)
    {
        var (exitCode, output) = await NodeScript.RunAsync("browser-sdk.mjs",
            host.Url, Key, userId, email, pagePort.ToString(CultureInfo.InvariantCulture), mode);
        log.WriteLine(output);
        Assert.True(exitCode == 0, $"browser-sdk.mjs {mode} failed (exit {exitCode}):{Environment.NewLine}{output}");

        // The requests really were cross-origin: the page ran on its own origin, another port than the host's.
        Assert.Contains($"page: http://127.0.0.1:{pagePort}/ with object AnalyticsNext", output, StringComparison.Ordinal);
        Assert.NotEqual(new Uri(host.Url).Port, pagePort);
        Assert.DoesNotContain("outside:", output, StringComparison.Ordinal);
        return output;
    }

    private static async Task AssertProfileAsync(ChildHost host, string userId, string email)
    {
        var client = host.Client(Key);
        var profile = await client.WaitForProfileAsync("email", email, p => p.EventCount() >= 3);
        Assert.Equal(profile.Id(), (await client.FindProfileAsync("userId", userId))!.Id());
        Assert.Equal("Browser Tester", profile.Trait("name"));
        Assert.Equal("enterprise", profile.Trait("plan"));
        Assert.Equal(1, profile.CountOf("identify"));
        Assert.Equal(1, profile.CountOf("page"));
        Assert.Equal(1, profile.CountOf("Plan Upgraded"));
        Assert.Equal(3, profile.EventCount());
    }

    /// <summary>The default source allows the test page's origin and one other; any other origin is refused.</summary>
    private static string[] HostSettings(string page) =>
    [
        $"--Cdp:Local:DefaultWriteKey={Key}",
        $"--Cdp:Local:DefaultSource:AllowedOrigins:0={page}",
        $"--Cdp:Local:DefaultSource:AllowedOrigins:1={OtherShop}",
    ];

    /// <summary>Chromium is a machine prerequisite, not an npm package: without it these tests fail and say how to get it.</summary>
    private static async Task PrepareAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium),
            $"Chromium not found at {chromium}. The browser SDK tests need Debian's chromium package: run " +
            "`apt-get update && apt-get install -y chromium` as root (.ci/run does this), or set CHROMIUM_PATH.");
        await NodeScript.EnsureNodeModulesAsync();
    }
}
