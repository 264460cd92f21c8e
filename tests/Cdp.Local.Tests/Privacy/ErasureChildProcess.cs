using Cdp.Core.Privacy;
using Cdp.Core.Workflows;
using Cdp.Local.Authorization;
using Cdp.Local.Ingestion;
using Cdp.Local.Privacy;
using Cdp.Local.Profiles;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cdp.Local.Tests.Privacy;

/// <summary>
/// The child process of the erasure kill test (started through the test assembly's startup hook): the full local host
/// with its HTTP routes on a given URL and data directory, with erasure's EraseIdentities step replaced by
/// <see cref="BlockingEraseIdentitiesActivity"/>. It serves until killed (or a deadline passes).
/// </summary>
internal static class ErasureChildProcess
{
    public const string DataDirectoryVariable = "CDP_ERASURE_CHILD_DATA";
    public const string UrlVariable = "CDP_ERASURE_CHILD_URL";
    public const string ListeningLine = "erasure-child: listening";
    public const string BlockingLine = "erasure-child: blocking";
    public const string ReleaseFile = "release";
    public const string RunsFile = "erase-identities.log";
    public const string WriteKey = "erasure-child-write-key";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string dataDirectory, string url)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = dataDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cdp:Local:DataDirectory"] = dataDirectory,
            ["Cdp:Local:DefaultWriteKey"] = WriteKey,
            ["Cdp:Local:AdminKey"] = LocalHostFactory.AdminKey,
            ["Cdp:Local:ComplianceKey"] = PrivacyKeys.Compliance,
            // A process crash loses nothing at Normal; only a power loss would, which no test simulates.
            ["Cdp:Local:Synchronous"] = "Normal",
        });
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCdpLocal(builder.Configuration);
        BlockingEraseIdentitiesActivity.Replace(builder.Services, dataDirectory);

        await using var app = builder.Build();
        app.MapIngestionApi();
        app.MapHealthApi();
        var api = app.MapAuthorizedApi();
        api.MapProfilesApi();
        api.MapPrivacyApi();
        using var deadline = new CancellationTokenSource(Deadline);
        await app.StartAsync(deadline.Token);
        Console.WriteLine(ListeningLine);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, app.Lifetime.ApplicationStopping);
        await Task.Delay(Timeout.InfiniteTimeSpan, idle.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        await app.StopAsync(CancellationToken.None);
        Console.WriteLine("erasure-child: stopped without being killed");
        return 2;
    }
}

/// <summary>
/// EraseIdentities under its own name: records that it ran (process id in <see cref="ErasureChildProcess.RunsFile"/>), then,
/// unless the release file exists, says so on stdout and waits for it (bounded) before erasing for real.
/// </summary>
internal sealed class BlockingEraseIdentitiesActivity(EraseIdentitiesActivity inner, BlockingEraseIdentitiesActivity.Files files)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    private static readonly TimeSpan MaxBlock = TimeSpan.FromSeconds(60);

    public string Name => EraseIdentitiesActivity.ActivityName;

    /// <summary>Swaps Core's EraseIdentities registration for this one; the real activity stays resolvable for it to call.</summary>
    public static void Replace(IServiceCollection services, string dataDirectory)
    {
        var core = services.Single(d => d.ServiceType == typeof(ActivityRegistration)
            && d.ImplementationInstance is ActivityRegistration r && r.ActivityType == typeof(EraseIdentitiesActivity));
        services.Remove(core);
        services.AddSingleton(new Files(dataDirectory));
        services.AddWorkflowActivity<BlockingEraseIdentitiesActivity>();
    }

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(files.Runs, $"{Environment.ProcessId}\n", cancellationToken);
        if (!File.Exists(files.Release))
        {
            Console.WriteLine(ErasureChildProcess.BlockingLine);
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
        public string Release => Path.Combine(DataDirectory, ErasureChildProcess.ReleaseFile);

        public string Runs => Path.Combine(DataDirectory, ErasureChildProcess.RunsFile);
    }
}
