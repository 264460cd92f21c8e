using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Core.Workflows.Replay;

namespace Cdp.Bench;

/// <summary>
/// Erasure cost follows the subject's data, not the archive's size. Two worlds hold the same kind of subjects (their
/// events spread over archive files shared with other people) among 1× and 10× as much of other people's data; each
/// subject is erased end to end through Core (PrivacyRequests.SubmitAsync, then the erasure workflow on the journaled
/// runtime until the request is completed), timed from submit to completed. The worlds take turns, one fresh subject
/// per erasure; the first erasure in each world warms it up and is not counted.
/// </summary>
internal static class ErasureBenchmark
{
    public const double TargetRatio = 1.3;

    private const string Actor = "bench-compliance";
    private static readonly int[] Scales = [1, 10];

    public static async Task<IReadOnlyList<Figure>> RunAsync(ErasureSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var worlds = new List<World>();
        try
        {
            using var intake = new CoreRig();
            foreach (var scale in Scales)
            {
                await BuildAsync(scale, settings, intake, worlds, progress, cancellationToken);
            }

            progress("warming up: one erasure in each world, not counted");
            foreach (var world in worlds)
            {
                await EraseAsync(world, 0, cancellationToken);
            }

            for (var r = 1; r <= settings.Repeats; r++)
            {
                // The order alternates, so neither size always runs right after the other.
                foreach (var world in r % 2 == 0 ? Enumerable.Reverse(worlds) : worlds)
                {
                    world.Times.Add(await EraseAsync(world, r, cancellationToken));
                }

                progress(string.Create(CultureInfo.InvariantCulture,
                    $"erasure {r}/{settings.Repeats}: {string.Join(", ", worlds.Select(w => $"{w.Scale}× {w.Stores.Name} {w.Times[^1].TotalMilliseconds:N1} ms"))}"));
            }

            return Figures(settings, worlds);
        }
        finally
        {
            foreach (var world in worlds)
            {
                await world.Stores.DisposeAsync();
            }
        }
    }

    private static async Task BuildAsync(
        int scale, ErasureSettings settings, CoreRig intake, List<World> worlds, Action<string> progress, CancellationToken cancellationToken)
    {
        var traffic = new SharedArchiveTraffic(seed: 20 + scale, settings.Others * scale, settings.Subjects, settings.SubjectEvents, $"e{scale}x");
        var built = new List<World>();
        if (settings.Stores.HasFlag(ErasureStoreKinds.Memory))
        {
            built.Add(new World(scale, new MemoryErasureStores(), traffic));
            worlds.Add(built[^1]);
        }

        if (settings.Stores.HasFlag(ErasureStoreKinds.Sqlite))
        {
            built.Add(new World(scale, LocalErasureStores.Create(settings.HostSettings), traffic));
            worlds.Add(built[^1]);
        }

        progress(string.Create(CultureInfo.InvariantCulture,
            $"building the {scale}× world: {traffic.OtherEvents:N0} events of {traffic.OtherPeople:N0} other people and {settings.Subjects} subjects of {settings.SubjectEvents} events, {traffic.Batches:N0} batches"));
        var watch = Stopwatch.StartNew();

        // Each body is accepted once and the same events are processed into every store, so the worlds match.
        foreach (var body in traffic.Bodies())
        {
            var events = await intake.AcceptAsync(body, cancellationToken);
            foreach (var world in built)
            {
                var summary = await world.Stores.ProcessAsync(events, cancellationToken);
                if (summary.MergesRequested > 0)
                {
                    // Every person has one device and unique identifiers: a merge means the traffic is not what it should be.
                    throw new InvalidOperationException($"the {scale}× world asked for {summary.MergesRequested} merge(s); its traffic should link nobody twice");
                }
            }
        }

        foreach (var world in built)
        {
            world.Archive = await world.Stores.MeasureArchiveAsync(cancellationToken);
            world.Extra = world.Stores.Describe();
            progress($"  {world.Stores.Name}: {world.DescribeArchive()}");
        }

        progress(string.Create(CultureInfo.InvariantCulture, $"  built in {watch.Elapsed.TotalSeconds:N1} s"));
    }

    /// <summary>Erases subject <paramref name="subject"/> end to end; checks the certificate says it was all of them.</summary>
    private static async Task<TimeSpan> EraseAsync(World world, int subject, CancellationToken cancellationToken)
    {
        var stores = world.Stores;
        var requests = stores.Get<PrivacyRequests>();
        var runner = stores.Get<WorkflowRunner>();
        var submission = new PrivacyRequestSubmission
        {
            Regulation = PrivacyRegulations.Gdpr,
            SubjectRequestId = Guid.NewGuid().ToString("D"),
            SubjectRequestType = PrivacyRequestTypes.Erasure,
            SubmittedTime = stores.Get<TimeProvider>().GetUtcNow(),
            SubjectIdentities = [new SubmittedIdentity("email", world.Traffic.Subjects[subject].Email, "raw")],
        };

        var watch = Stopwatch.StartNew();
        var submitted = await requests.SubmitAsync(submission, Actor, cancellationToken);
        if (submitted.Outcome != PrivacyOutcome.Created)
        {
            throw new InvalidOperationException($"the erasure request was refused ({submitted.Outcome}): {submitted.Error}");
        }

        await runner.RunAsync(submitted.Request!.WorkflowInstanceId(), cancellationToken);
        var done = (await requests.GetAsync(submitted.Request.Id, cancellationToken)).Request;
        watch.Stop();
        if (done?.Status != PrivacyRequestStatuses.Completed)
        {
            throw new InvalidOperationException($"erasure {submitted.Request.Id} in the {world.Scale}× world ended {done?.Status}: {done?.Error}");
        }

        await CheckCertificateAsync(world, requests, done.Id, cancellationToken);
        return watch.Elapsed;
    }

    private static async Task CheckCertificateAsync(World world, PrivacyRequests requests, string requestId, CancellationToken cancellationToken)
    {
        var file = await requests.ReadResultsAsync(requestId, null, cancellationToken)
            ?? throw new InvalidOperationException($"erasure {requestId} completed without a certificate");
        var certificate = JsonSerializer.Deserialize(file.Content, PrivacyJsonContext.Default.ErasureCertificate)!;
        var events = certificate.Counts.GetValueOrDefault(PrivacyStores.RawEvents);
        var files = certificate.Counts.GetValueOrDefault(PrivacyStores.RawEventFiles);
        var expectedFiles = SharedArchiveTraffic.BatchesPerSubject(world.Traffic.SubjectEvents);
        if (!certificate.Verification.Clean || events != world.Traffic.SubjectEvents || files != expectedFiles)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"erasure {requestId} in the {world.Scale}× world ({world.Stores.Name}) removed {events} raw events from {files} files (expected {world.Traffic.SubjectEvents} from {expectedFiles}); verification clean: {certificate.Verification.Clean}"));
        }
    }

    private static List<Figure> Figures(ErasureSettings settings, List<World> worlds)
    {
        var figures = new List<Figure>();
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"subject: {settings.SubjectEvents} events in {SharedArchiveTraffic.BatchesPerSubject(settings.SubjectEvents)} archive files shared with others");
        foreach (var group in worlds.GroupBy(w => w.Stores.Name))
        {
            var small = group.Single(w => w.Scale == Scales[0]);
            var large = group.Single(w => w.Scale == Scales[1]);
            foreach (var world in new[] { small, large })
            {
                figures.Add(new Figure(
                    $"Erasure of one subject, {world.Scale}× archive, {group.Key}",
                    Median(world.Times),
                    "ms",
                    string.Create(CultureInfo.InvariantCulture,
                        $"submit to completed, median of {world.Times.Count} (min {world.Times.Min().TotalMilliseconds:N1}, max {world.Times.Max().TotalMilliseconds:N1}); archive {world.DescribeArchive()}; {subject}"),
                    Format: "N1"));
            }

            var ratio = Median(large.Times) / Median(small.Times);
            figures.Add(new Figure(
                $"Erasure time, {large.Scale}× archive vs {small.Scale}×, {group.Key}",
                ratio,
                "×",
                string.Create(CultureInfo.InvariantCulture,
                    $"median {Median(large.Times):N1} ms / {Median(small.Times):N1} ms, with {large.Archive.Events / (double)small.Archive.Events:N1}× the archived events"),
                string.Create(CultureInfo.InvariantCulture, $"≤ {TargetRatio:N1}, is {ratio:N2}"),
                ratio <= TargetRatio,
                Format: "N2"));
        }

        return figures;
    }

    private static double Median(List<TimeSpan> times)
    {
        var sorted = times.Select(t => t.TotalMilliseconds).Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private sealed class World(int scale, IErasureStores stores, SharedArchiveTraffic traffic)
    {
        public int Scale => scale;

        public IErasureStores Stores => stores;

        public SharedArchiveTraffic Traffic => traffic;

        public ArchiveSize Archive { get; set; }

        /// <summary>What else the stores say about their size (the database file), or null.</summary>
        public string? Extra { get; set; }

        public List<TimeSpan> Times { get; } = [];

        public string DescribeArchive() => string.Create(CultureInfo.InvariantCulture,
            $"{Archive.Files:N0} files, {Archive.Events:N0} events, {Archive.Bytes / 1024.0 / 1024.0:N1} MB{(Extra is null ? string.Empty : "; " + Extra)}");
    }
}
