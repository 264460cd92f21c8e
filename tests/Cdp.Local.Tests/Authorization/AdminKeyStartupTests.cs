using System.Net;
using System.Text.RegularExpressions;
using Cdp.Local.Authorization;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Authorization;

/// <summary>A first-time user starts the host with no settings: an admin key is made, shown once beside the write key, and keeps working.</summary>
public sealed partial class AdminKeyStartupTests
{
    [Fact]
    public async Task Start_FirstTimeWithoutKeys_PrintsWorkingAdminKeyOnceBesideTheWriteKey_ThenOnlySaysOneExists()
    {
        using var data = new TempDataDirectory();
        string key;
        await using (var first = await ChildHost.StartAsync(data.Path, withAdminKey: false))
        {
            var output = await Poll.UntilAsync(() => Task.FromResult(first.Output), o => AdminKeyLine().IsMatch(o), "the admin key line");
            key = AdminKeyLine().Match(output).Groups[1].Value;
            Assert.True(output.IndexOf("Default write key:", StringComparison.Ordinal) < output.IndexOf("Admin key:", StringComparison.Ordinal), output);
            Assert.Contains($"curl -H \"Authorization: Bearer {key}\" \"{first.Url}/api/profiles?", output, StringComparison.Ordinal);

            var admin = first.Client(null, key);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/privacy/discovery")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/profiles/p-nobody")).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Client(null, apiKey: null).GetAsync("/api/profiles/p-nobody")).Status);
        }

        var file = Path.Combine(data.Path, GeneratedAdminKey.FileName);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        await using var second = await ChildHost.StartAsync(data.Path, withAdminKey: false);
        var again = await Poll.UntilAsync(() => Task.FromResult(second.Output), o => o.Contains("An admin key exists", StringComparison.Ordinal), "the existing-key line");
        Assert.DoesNotContain(key, again, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await second.Client(null, key).GetAsync("/api/privacy/discovery")).Status);
    }

    [GeneratedRegex("Admin key: ([0-9a-f]{48}) ")]
    private static partial Regex AdminKeyLine();
}
