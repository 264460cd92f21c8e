using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cdp.Core.Identity;
using Cdp.Local.Tests.Identity;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Privacy;

/// <summary>The host dies in the middle of an erasure; the next start finishes it, and the request keeps its identity.</summary>
public sealed class ErasureProcessKillTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, string> Subject = new() { ["userId"] = "kill-erase-user-7c3e", ["email"] = "kill.erase.7c3e@example.com" };

    [Fact]
    public async Task Erasure_HostKilledMidway_RestartedHostFinishesItAndResubmissionReturnsTheSameRequest()
    {
        using var data = new TempDataDirectory();
        var id = Guid.NewGuid().ToString();
        var body = OpenDsrBodies.Body(id, "erasure", Subject);

        // 1. A host ingests two customers and starts erasing one; the erasure stops inside EraseIdentities.
        int killedPid;
        string receivedTime;
        using (var first = Start(data.Path, out var url))
        {
            await first.WaitForLineAsync(ErasureChildProcess.ListeningLine, ChildTimeout);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var events = new CdpClient(http, ErasureChildProcess.WriteKey, LocalHostFactory.AdminKey);
            await ErasureEndToEndTests.IngestAsync(events,
                Calls.Identify(Subject["userId"], "kill-erase-identify", email: Subject["email"]),
                Calls.Track(Subject["userId"], "kill-erase-anon", "kill-erase-track"),
                Calls.Identify("kill-keep-user", "kill-keep-identify", email: "kill.keep@example.com"));
            var privacy = new PrivacyClient(http);
            var created = await privacy.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.Created, created.Status);
            receivedTime = created.Json!["received_time"]!.ToString();
            await first.WaitForLineAsync(ErasureChildProcess.BlockingLine, ChildTimeout);

            // While it runs: the same id returns the same request; an identical request under another id is refused.
            var again = await privacy.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.OK, again.Status);
            Assert.Equal(("in_progress", receivedTime), (again.Json!["request_status"]!.GetValue<string>(), again.Json["received_time"]!.ToString()));
            Assert.Equal(HttpStatusCode.Conflict, (await privacy.SubmitAsync(OpenDsrBodies.Body(Guid.NewGuid().ToString(), "erasure", Subject))).Status);

            killedPid = first.Pid;
            first.KillHard();
        }

        // 2. A new host on the same data directory resumes the erasure at start-up (EraseIdentities no longer waits).
        await File.WriteAllTextAsync(Path.Combine(data.Path, ErasureChildProcess.ReleaseFile), string.Empty);
        using var second = Start(data.Path, out var secondUrl);
        await second.WaitForLineAsync(ErasureChildProcess.ListeningLine, ChildTimeout);
        using var secondHttp = new HttpClient { BaseAddress = new Uri(secondUrl) };
        var resumed = new PrivacyClient(secondHttp);
        var completed = await resumed.WaitForStatusAsync(id, "completed");

        // The step cut off by the kill ran again after the restart, once.
        var runs = (await File.ReadAllLinesAsync(Path.Combine(data.Path, ErasureChildProcess.RunsFile))).Select(l => int.Parse(l, CultureInfo.InvariantCulture));
        Assert.Equal([killedPid, second.Pid], runs);

        // The request is the same one, now completed; its certificate is there; the subject is gone, the other customer is not.
        var resubmitted = await resumed.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.OK, resubmitted.Status);
        Assert.Equal(("completed", receivedTime), (resubmitted.Json!["request_status"]!.GetValue<string>(), resubmitted.Json["received_time"]!.ToString()));
        var certificate = await resumed.GetAsync(completed["certificate_url"]!.GetValue<string>());
        Assert.True(certificate.Json!["verification"]!["clean"]!.GetValue<bool>(), certificate.Body);
        var events2 = new CdpClient(secondHttp, ErasureChildProcess.WriteKey, LocalHostFactory.AdminKey);
        Assert.Null(await events2.FindProfileAsync("email", Subject["email"]));
        Assert.NotNull(await events2.FindProfileAsync("email", "kill.keep@example.com"));

        // And no file holds the subject, the crash notwithstanding.
        var pepper = (await File.ReadAllTextAsync(Path.Combine(data.Path, "pepper.key"))).Trim();
        var hasher = new IdentityHasher(Options.Create(new IdentityOptions { Pepper = pepper }));
        string[] needles = [.. Subject.Values, hasher.Hash(new Identifier("userId", Subject["userId"])), hasher.Hash(new Identifier("email", Subject["email"]))];
        var left = await Poll.UntilAsync(() => Task.FromResult(string.Join("; ", DataDirectoryScan.Find(data.Path, needles))), f => f.Length == 0,
            "the data directory to hold no trace of the subject");
        Assert.Equal(string.Empty, left);
    }

    private static TestAssemblyChild Start(string dataDirectory, out string url)
    {
        url = $"http://127.0.0.1:{FreePort()}";
        return TestAssemblyChild.Start(dataDirectory, new Dictionary<string, string>
        {
            [ErasureChildProcess.DataDirectoryVariable] = dataDirectory,
            [ErasureChildProcess.UrlVariable] = url,
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
