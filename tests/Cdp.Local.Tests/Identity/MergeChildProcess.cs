using System.Text.Json.Nodes;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Cdp.Local.Authorization;
using Cdp.Local.Ingestion;
using Cdp.Local.Profiles;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cdp.Local.Tests.Identity;

/// <summary>
/// The child process of the merge kill test (started through the test assembly's startup hook): the full local host on
/// a data directory, with the merge's MoveTimeline step replaced by <see cref="BlockingMoveTimelineActivity"/>.
/// Without an instance id it ingests <see cref="KillTestPerson"/>'s events, which cause one merge, and waits to be killed;
/// with one it waits until the local workflow worker has finished that instance (resumed at start-up).
/// </summary>
internal static class MergeChildProcess
{
    public const string DataDirectoryVariable = "CDP_MERGE_CHILD_DATA";
    public const string InstanceVariable = "CDP_MERGE_CHILD_INSTANCE";
    public const string BlockingLine = "merge-child: blocking";
    public const string ReleaseFile = "release";
    public const string MovesFile = "move-timeline.log";
    public const string WriteKey = "merge-child-write-key";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string dataDirectory, string? instanceId)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = dataDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cdp:Local:DataDirectory"] = dataDirectory,
            ["Cdp:Local:DefaultWriteKey"] = WriteKey,
            ["Cdp:Local:AdminKey"] = LocalHostFactory.AdminKey,
            // A process crash loses nothing at Normal; only a power loss would, which no test simulates.
            ["Cdp:Local:Synchronous"] = "Normal",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCdpLocal(builder.Configuration);
        BlockingMoveTimelineActivity.Replace(builder.Services, dataDirectory);

        await using var app = builder.Build();
        app.MapIngestionApi();
        app.MapHealthApi();
        app.MapAuthorizedApi().MapProfilesApi();
        using var deadline = new CancellationTokenSource(Deadline);
        await app.StartAsync(deadline.Token);
        try
        {
            if (instanceId is null)
            {
                await IngestAsync(app.Services, deadline.Token);

                // Until the test kills the process (or the host is stopped, or the deadline passes).
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, app.Lifetime.ApplicationStopping);
                await Task.Delay(Timeout.InfiniteTimeSpan, idle.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                Console.WriteLine("merge-child: stopped without being killed");
                return 2;
            }

            var instance = await app.Services.GetRequiredService<IWorkflowClient>().WaitForCompletionAsync(instanceId, deadline.Token);
            Console.WriteLine($"merge-child: {instance?.Status} {instance?.Error}");
            return instance?.Status == WorkflowStatus.Completed ? 0 : 1;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Console.WriteLine($"merge-child: gave up after {Deadline.TotalSeconds} s");
            return 3;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Browsing and login are sent (and processed) before the call that links them, so the merge starts on profiles
    /// already committed (a merge found in the batch that creates its profiles hits the bug MergeInNewBatchTests shows).
    /// </summary>
    private static async Task IngestAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await SendAsync(services, Calls.Batch(KillTestPerson.Before()), cancellationToken);
        var lookup = services.GetRequiredService<ProfileLookup>();
        await WaitAsync(
            async () => (await lookup.FindAsync("anonymousId", KillTestPerson.AnonymousId, cancellationToken)).Profile is not null
                && (await lookup.FindAsync("userId", KillTestPerson.UserId, cancellationToken)).Profile is not null,
            cancellationToken);
        await SendAsync(services, Calls.Batch(KillTestPerson.Link()), cancellationToken);
    }

    /// <summary>What the ingestion route does: Core's intake, then the outbox (processed by the host's outbox processor).</summary>
    private static async Task SendAsync(IServiceProvider services, string body, CancellationToken cancellationToken)
    {
        var result = await services.GetRequiredService<EventIntake>().AcceptAsync(
            IngestRoute.Batch, CdpClient.Basic(WriteKey).ToString(), System.Text.Encoding.UTF8.GetBytes(body), cancellationToken);
        if (result.Status != IntakeStatus.Accepted || result.Rejected.Count > 0)
        {
            throw new InvalidOperationException($"the child's events were refused: {result.Error} {string.Join("; ", result.Rejected)}");
        }

        await services.GetRequiredService<ILocalOutbox>().EnqueueAsync(result.Accepted, cancellationToken);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, CancellationToken cancellationToken)
    {
        while (!await done())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}

/// <summary>The person whose devices the kill test merges: anonymous browsing, a login elsewhere, then the call linking both.</summary>
internal static class KillTestPerson
{
    public const string AnonymousId = "kill-anon-1";
    public const string UserId = "kill-user-1";
    public const string Email = "kill-user@example.com";

    public const string LinkMessageId = "kill-link";

    public static IReadOnlyList<string> MessageIds => [.. Before().Select(c => c["messageId"]!.GetValue<string>()), LinkMessageId];

    public static JsonObject[] Before() =>
    [
        Calls.Page(AnonymousId, "kill-page-1", "Home"),
        Calls.Page(AnonymousId, "kill-page-2", "Pricing"),
        Calls.Page(AnonymousId, "kill-page-3", "Checkout"),
        Calls.Identify(UserId, "kill-identify", email: Email),
    ];

    public static JsonObject Link() => Calls.Track(UserId, AnonymousId, LinkMessageId);
}

/// <summary>
/// MoveTimeline under its own name: records that it ran (process id in <see cref="MergeChildProcess.MovesFile"/>), then,
/// unless the release file exists, says so on stdout and waits for it (bounded) before moving the timeline for real.
/// </summary>
internal sealed class BlockingMoveTimelineActivity(MoveTimelineActivity inner, BlockingMoveTimelineActivity.Files files) : IActivity<MergeStep, int>
{
    private static readonly TimeSpan MaxBlock = TimeSpan.FromSeconds(60);

    public string Name => MoveTimelineActivity.ActivityName;

    /// <summary>Swaps Core's MoveTimeline registration for this one; the real activity stays resolvable for it to call.</summary>
    public static void Replace(IServiceCollection services, string dataDirectory)
    {
        var core = services.Single(d => d.ServiceType == typeof(ActivityRegistration)
            && d.ImplementationInstance is ActivityRegistration r && r.ActivityType == typeof(MoveTimelineActivity));
        services.Remove(core);
        services.AddSingleton(new Files(dataDirectory));
        services.AddWorkflowActivity<BlockingMoveTimelineActivity>();
    }

    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(files.Moves, $"{Environment.ProcessId}\n", cancellationToken);
        if (!File.Exists(files.Release))
        {
            Console.WriteLine(MergeChildProcess.BlockingLine);
            var blocked = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(files.Release))
            {
                if (blocked.Elapsed > MaxBlock)
                {
                    throw new TimeoutException($"{files.Release} did not appear within {MaxBlock.TotalSeconds} s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }

        return await inner.RunAsync(input, cancellationToken);
    }

    internal sealed record Files(string DataDirectory)
    {
        public string Release => Path.Combine(DataDirectory, MergeChildProcess.ReleaseFile);

        public string Moves => Path.Combine(DataDirectory, MergeChildProcess.MovesFile);
    }
}
