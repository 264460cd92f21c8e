using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Demo;

/// <summary>
/// <c>demo</c>: the normal host (<see cref="LocalHostServiceCollectionExtensions.AddCdpLocal"/> and
/// <see cref="LocalHostEndpoints.MapCdpLocal"/>) on its own data directory, plus a webhook and a file destination, a 10 s
/// refresh and a receiver that verifies and prints each delivery. It creates three segments through the API, sends a
/// month of a made-up shop's traffic through <c>/v1/batch</c>, then a few changes that make people leave, and prints what
/// happened. Runs until Ctrl+C, or with <c>--exit</c> stops once that is done. Exit codes: 0 done, 1 nothing arrived in
/// time, 2 bad usage, setting, data directory or address.
/// </summary>
public static class DemoCommand
{
    public const string MarkerFile = ".cdp-demo";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!DemoArguments.TryParse(args, out var arguments, out var problem))
        {
            await error.WriteLineAsync(problem.Length == 0 ? DemoArguments.Usage : problem + Environment.NewLine + DemoArguments.Usage);
            return problem.Length == 0 ? 0 : 2;
        }

        // The port first: a second demo started by mistake must not empty the data directory of the one running.
        if (await FreeAddressAsync(arguments.Url) is not { } url)
        {
            await error.WriteLineAsync($"{arguments.Url} is taken (another demo, or the host itself?); choose another port: --urls http://127.0.0.1:7072");
            return 2;
        }

        var data = Path.GetFullPath(arguments.DataDirectory);
        if (Fresh(data) is { } refusal)
        {
            await error.WriteLineAsync(refusal);
            return 2;
        }

        var setup = DemoSetup.Create();
        var console = TextWriter.Synchronized(output);
        LocalHostDefaults.PreferPollingFileWatcher();
        var builder = WebApplication.CreateBuilder(arguments.Settings);
        builder.Configuration.AddInMemoryCollection(setup.Settings(data, url));
        builder.WebHost.UseUrls(url);
        builder.Services.AddCdpLocal(builder.Configuration);
        await using var app = builder.Build();
        app.MapCdpLocal();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var receiver = new DemoWebhookReceiver(setup.WebhookSecret, console, time);
        receiver.Map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OptionsValidationException or IOException)
        {
            // A bad setting, or the address is taken (often: the normal host already runs on 7071).
            await error.WriteLineAsync($"Cannot start the demo host on {url}: {ex.Message}");
            await error.WriteLineAsync("Another port: --urls http://127.0.0.1:7072");
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        using var client = new DemoClient(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) }, setup);
        var report = new DemoReport(client, receiver, data, url, setup.AdminKey, console, time);
        try
        {
            return await RunScenarioAsync(arguments, setup, client, report, receiver, console, time, url, data, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await console.WriteLineAsync("Stopped. The data stays in " + data + " until the next demo run.");
            return 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RunScenarioAsync(DemoArguments arguments, DemoSetup setup, DemoClient client, DemoReport report,
        DemoWebhookReceiver receiver, TextWriter console, TimeProvider time, string url, string data, CancellationToken cancellationToken)
    {
        var population = DemoPopulation.Generate(arguments.Seed, arguments.People, time.GetUtcNow());
        await console.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Cdp demo: a made-up shop, {population.People.Count} people (seed {arguments.Seed}), host {url}, fresh data in {data}"));
        await console.WriteLineAsync($"Admin key for this run: {setup.AdminKey}  (every role; in memory only, like the write key and the webhook secret)");
        await console.WriteLineAsync($"Destinations: {DemoSetup.WebhookDestination} (marketing) → {url.TrimEnd('/')}{DemoWebhookReceiver.Path}, "
            + $"which verifies every signature; {DemoSetup.FileDestination} (analytics, csv) → {report.FileFolder}");
        await console.WriteLineAsync();
        foreach (var segment in DemoSetup.Segments)
        {
            await client.PutSegmentAsync(segment, cancellationToken);
            await console.WriteLineAsync($"segment  {segment.Key,-20} {segment.Definition}  → {string.Join(", ", segment.Destinations)}");
        }

        await console.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Sending {population.Batches.Sum(b => b.Events)} events in {population.Batches.Count} batches to /v1/batch "
            + $"(browser visits over the last 29 days, anonymous on 1-3 devices, then logged in; orders from the shop's server). "
            + $"Audiences fill as the host processes them:"));
        await SendAsync(client, population.Batches, cancellationToken);
        await console.WriteLineAsync("All accepted; waiting for processing, merges and deliveries to settle ...");
        var settled = await report.SettleAsync(SettleTimeout, cancellationToken);
        await report.PrintAudiencesAsync(cancellationToken);

        await console.WriteLineAsync();
        await console.WriteLineAsync("Now a few people change:");
        var changes = DemoChanges.For(population.People, arguments.Seed, time.GetUtcNow());
        foreach (var change in changes)
        {
            await console.WriteLineAsync($"  {change.UserId} {change.What}");
            await client.SendAsync(change.Batch, cancellationToken);
        }

        settled &= await report.SettleAsync(SettleTimeout, cancellationToken);
        await report.PrintAudiencesAsync(cancellationToken);
        await report.PrintTryItAsync();
        var delivered = receiver.Verified > 0 && report.CsvFiles().Count > 0;
        if (!settled || !delivered)
        {
            await console.WriteLineAsync("The host did not settle or deliver in time (a busy machine?); the numbers above may still grow.");
        }

        if (arguments.Exit)
        {
            return settled && delivered ? 0 : 1;
        }

        await console.WriteLineAsync();
        await console.WriteLineAsync("Running until Ctrl+C: segments refresh every 10 s; send events with the write key or change segments to see more.");
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    /// <summary>People in parallel (four at a time), each person's batches in order, as separate clients would send them.</summary>
    private static Task SendAsync(DemoClient client, IReadOnlyList<DemoBatch> batches, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(batches.GroupBy(b => b.UserId), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (person, ct) =>
            {
                foreach (var batch in person)
                {
                    await client.SendAsync(batch, ct);
                }
            });

    /// <summary>
    /// Empties the demo's data directory so each run starts the same way. Only a directory the demo made (it holds
    /// <see cref="MarkerFile"/>) or an empty one is used: a mistyped --data must never delete someone's data.
    /// </summary>
    public static string? Fresh(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            if (!File.Exists(Path.Combine(directory, MarkerFile)))
            {
                return $"{directory} holds files the demo did not make; choose another --data (the demo empties its directory on every run)";
            }

            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, MarkerFile), "Made by the Cdp demo command, which empties this directory on every run.\n");
        return null;
    }

    /// <summary>
    /// The address to listen on, or null when something already answers on it (asking is the reliable test: a probe
    /// that binds may share the port). Port 0 asks for any free port: the webhook URL must name the real one before the
    /// host starts, so it is picked here.
    /// </summary>
    private static async Task<string?> FreeAddressAsync(string url)
    {
        var uri = new Uri(url);
        if (uri.Port == 0)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new UriBuilder(uri) { Port = ((IPEndPoint)listener.LocalEndpoint).Port }.Uri.GetLeftPart(UriPartial.Authority);
        }

        try
        {
            using var probe = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await probe.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return uri.GetLeftPart(UriPartial.Authority);
        }
    }
}
