using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Cdp.Bench;
using Cdp.Bench.Cosmos;

const string Usage = """
    Measures ingestion throughput or erasure cost on this machine and prints the figures.

    Usage: dotnet run -c Release --project bench/Cdp.Bench -- ingest [options]
           dotnet run -c Release --project bench/Cdp.Bench -- erasure [options]
           dotnet run -c Release --project bench/Cdp.Bench -- segments [options]

    Options of ingest:
      --mix M             server, browser or both (default both)
      --events N          events for the parse, pipeline and identity figures (default 200000)
      --people P          people the events are spread over (default 20000)
      --cosmos-events N   events counted through the Cosmos DB adapters, after as many uncounted (default 20000)
      --clients C         concurrent HTTP clients against the embedded host (default 4)
      --seconds S         how long the HTTP clients post, per mix (default 15)
      --host K=V          a setting passed to the embedded host, e.g. --host Cdp:Local:Synchronous=Normal (repeatable)
      --profiles P        stored (default), or none: the Core and in-process SQLite figures with profiles never read
                          or kept (each batch starts its people's afresh), and no other figures: the ceiling no
                          change to how profiles are kept can pass
      --help              show this text

    Mixes: server sends bodies of 100 events of many people (a server-side source); browser sends one person's
    visit a body, 5-40 events (a page view, a sign-in identify with email in 60% of visits, page views and tracks),
    as the web tag batches them.

    Figures, per mix: System.Text.Json parse; Core pipeline on in-memory ports; processing into the embedded host's
    SQLite stores in process (one consumer, no HTTP: the ceiling of the end-to-end figure); Cosmos DB requests per event (Core
    over the real Cosmos DB adapters on an in-process fake that counts requests); the embedded host (Cdp.Local) over
    HTTP into SQLite with request-to-profile latency and the host's peak working set. Once: an identity-heavy stream
    with merges through the journaled workflow runtime.

    Options of erasure:
      --subject-events N  events of each erased subject, 10 to an archive file shared with others (default 200)
      --others M          other people's events in the 1× world; the 10× world has 10×M (default 20000)
      --repeats R         erasures timed per world, one fresh subject each; the median is reported (default 9)
      --store S           memory (Core on the in-memory ports), sqlite (Cdp.Local's stores in process) or both (default)
      --host K=V          a setting for the SQLite stores, e.g. --host Cdp:Local:Synchronous=Normal (repeatable)

    Erasure: one subject is erased end to end (submit to completed, the durable erasure workflow) in a world whose
    archive holds 1× and one that holds 10× as much of other people's data; the ratio of the times should be ≤ 1.3.

    Options of segments:
      --profiles N        synthetic profiles the full refresh evaluates (default 1000000)
      --only K            refresh or latency: run one of the two figures (default both)
      --mix M             server or browser: the load of the latency figure (default server)
      --people P, --clients C, --seconds S, --host K=V   as for ingest; --host applies to both figures

    Segments: 10 segments over N profiles stored in the local host's SQLite database, refreshed twice by the
    SegmentRefresh workflow on the journaled runner (the first refresh after they are defined, then one that finds
    nothing to change); then event-to-membership latency of sampled sign-ups while C clients post the ingest mix.
    """;

if (args is [] || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return args is [] ? 2 : 0;
}

if (args[0] is not ("ingest" or "erasure" or "segments"))
{
    await Console.Error.WriteLineAsync($"unknown command '{args[0]}'{Environment.NewLine}{Environment.NewLine}{Usage}");
    return 2;
}

BenchSettings? settings = null;
ErasureSettings? erasureSettings = null;
SegmentSettings? segmentSettings = null;
string? error;
var parsed = args[0] switch
{
    "ingest" => BenchSettings.TryParse(args[1..], out settings, out error),
    "erasure" => ErasureSettings.TryParse(args[1..], out erasureSettings, out error),
    _ => SegmentSettings.TryParse(args[1..], out segmentSettings, out error),
};
if (!parsed)
{
    await Console.Error.WriteLineAsync($"{error}{Environment.NewLine}{Environment.NewLine}{Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the figures in progress stop cleanly, so the host process is killed and its directory deleted.
    e.Cancel = true;
    cancel.Cancel();
};

var total = Stopwatch.StartNew();
var machine = string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
Console.WriteLine($"Machine: {machine}");
Console.WriteLine($"Load average (1 min) before the run: {LoadAverage()}; other work on the machine lowers every figure");
void Progress(string line) => Console.WriteLine($"  {total.Elapsed:mm\\:ss}  {line}");

try
{
    if (segmentSettings is not null)
    {
        var segments = await SegmentBenchmark.RunAsync(segmentSettings, Progress, cancel.Token);
        Progress($"done; load average now {LoadAverage()}");
        Report.Print(segments, machine, Console.Out);
        return 0;
    }

    if (erasureSettings is not null)
    {
        IReadOnlyList<Figure> erasure;
        try
        {
            erasure = await ErasureBenchmark.RunAsync(erasureSettings, Progress, cancel.Token);
        }
        catch (InvalidOperationException ex)
        {
            // An erasure that did not complete, or did not remove what it should, gives no figure worth printing.
            await Console.Error.WriteLineAsync($"{Environment.NewLine}Erasure benchmark failed: {ex.Message}");
            return 1;
        }

        Progress($"done; load average now {LoadAverage()}");
        Report.Print(erasure, machine, Console.Out);
        return 0;
    }

    var ingest = settings!;
    var figures = new List<Figure>();
    var populations = new Dictionary<Mix, List<Person>>();
    var noProfiles = ingest.NoProfiles;
    var steps = noProfiles ? ingest.Mixes.Count * 3 : ingest.Mixes.Count * 5 + 1;
    string? cosmosFailure = null;
    var step = 0;
    foreach (var mixKind in ingest.Mixes)
    {
        var name = mixKind.ToString().ToLowerInvariant();
        var mix = new EventMix(seed: 1);

        // Server traffic is each person's first device; browser visits come from one of 1-3 browsers a person uses.
        var people = mixKind == Mix.Browser
            ? mix.CreatePeople(ingest.People, 1, 3, mobileShare: 0)
            : mix.CreatePeople(ingest.People, 1, 1);
        populations[mixKind] = people;
        var bodies = mixKind == Mix.Browser
            ? mix.SessionBodies(people, ingest.Events, "b")
            : mix.SteadyBodies(people, ingest.Events, "s");

        Progress($"[{++step}/{steps}] {name} mix: parsing {ingest.Events:N0} events in {bodies.Count:N0} bodies");
        var parse = ParseBenchmark.Run(bodies, name);
        figures.Add(parse);

        Progress($"[{++step}/{steps}] {name} mix: Core pipeline over {ingest.Events:N0} events, {ingest.People:N0} people");
        figures.Add(await PipelineBenchmark.RunAsync(bodies, ingest.People, parse.Value, name, noProfiles, cancel.Token));

        Progress($"[{++step}/{steps}] {name} mix: processing into SQLite in process over {ingest.Events:N0} events");
        figures.Add(await SqlitePipelineBenchmark.RunAsync(bodies, ingest.People, name, ingest.HostSettings, noProfiles, cancel.Token));

        // Requests to Cosmos DB, merges and the host over HTTP would be no one's figures without a profile store.
        if (!noProfiles)
        {
            Progress($"[{++step}/{steps}] {name} mix: Cosmos DB requests over {ingest.CosmosEvents:N0} events after {ingest.CosmosEvents:N0} to warm up");
            try
            {
                figures.Add(await CosmosBenchmark.RunAsync(name, bodies, ingest.CosmosEvents, judged: mixKind == Mix.Browser, cancel.Token));
            }
            catch (Exception ex) when (ex is NotSupportedException or Moq.MockException)
            {
                // An adapter made a call the fake does not answer: no count rather than a wrong one; the rest still runs.
                cosmosFailure = ex.Message;
            }
        }

        bodies.Clear();
    }

    string? hostFailure = null;
    if (!noProfiles)
    {
        var journeyPeople = Math.Max(100, ingest.Events / 50);
        Progress($"[{++step}/{steps}] identity-heavy stream of {journeyPeople:N0} people");
        figures.AddRange(await MergeBenchmark.RunAsync(journeyPeople, cancel.Token));

        foreach (var mixKind in ingest.Mixes)
        {
            Progress($"[{++step}/{steps}] {mixKind.ToString().ToLowerInvariant()} mix: embedded host over HTTP");
            try
            {
                figures.AddRange(await HttpBenchmark.RunAsync(
                    mixKind, populations[mixKind], ingest.Clients, TimeSpan.FromSeconds(ingest.Seconds), ingest.HostSettings, Progress, cancel.Token));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException)
            {
                // The in-process figures stand on their own; say why the host gave none.
                hostFailure = ex.Message;
            }
        }
    }

    Progress($"done; load average now {LoadAverage()}");
    Report.Print(figures, machine, Console.Out);
    if (cosmosFailure is not null)
    {
        await Console.Error.WriteLineAsync($"{Environment.NewLine}Cosmos DB request count failed (teach bench/Cdp.Bench/Cosmos/FakeCosmos.cs the call): {cosmosFailure}");
    }

    if (hostFailure is not null)
    {
        await Console.Error.WriteLineAsync($"{Environment.NewLine}The embedded host's figures failed: {hostFailure}");
    }

    return cosmosFailure is null && hostFailure is null ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled");
    return 130;
}

// Figures are only comparable on an idle machine; Linux says how busy it is.
static string LoadAverage() => Machine.LoadAverage();

/// <summary>The traffic a run sends: a server-side source's batches, or browser visits as the web tag batches them.</summary>
internal enum Mix
{
    Server,
    Browser,
}

internal sealed record BenchSettings(
    int Events, int People, int Clients, int Seconds, IReadOnlyList<string> HostSettings, IReadOnlyList<Mix> Mixes, int CosmosEvents,
    bool NoProfiles = false)
{
    public static bool TryParse(string[] args, out BenchSettings settings, out string? error)
    {
        settings = new BenchSettings(200_000, 20_000, 4, 15, [], [Mix.Server, Mix.Browser], 20_000);
        error = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var (name, text) = (args[i], i + 1 < args.Length ? args[i + 1] : null);
            if (name is not ("--events" or "--people" or "--clients" or "--seconds" or "--host" or "--mix" or "--cosmos-events" or "--profiles"))
            {
                error = $"unknown option '{name}'";
                return false;
            }

            if (name == "--mix")
            {
                Mix[]? mixes = text switch
                {
                    "server" => [Mix.Server],
                    "browser" => [Mix.Browser],
                    "both" => [Mix.Server, Mix.Browser],
                    _ => null,
                };
                if (mixes is null)
                {
                    error = "--mix needs server, browser or both";
                    return false;
                }

                settings = settings with { Mixes = mixes };
                continue;
            }

            if (name == "--profiles")
            {
                if (text is not ("stored" or "none"))
                {
                    error = "--profiles needs stored or none";
                    return false;
                }

                settings = settings with { NoProfiles = text == "none" };
                continue;
            }

            if (name == "--host")
            {
                if (text is null || !text.Contains('=', StringComparison.Ordinal))
                {
                    error = "--host needs a setting as key=value";
                    return false;
                }

                settings = settings with { HostSettings = [.. settings.HostSettings, text] };
                continue;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a whole number of at least 1";
                return false;
            }

            settings = name switch
            {
                "--events" => settings with { Events = value },
                "--people" => settings with { People = value },
                "--clients" => settings with { Clients = value },
                "--cosmos-events" => settings with { CosmosEvents = value },
                _ => settings with { Seconds = value },
            };
        }

        return true;
    }
}
