using System.Diagnostics;
using System.Globalization;
using Cdp.Core.Identity;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;
using Cdp.Local;
using Cdp.Local.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cdp.Bench;

/// <summary>
/// Segment figure 1: one full SegmentRefresh over N stored profiles and the ten <see cref="BenchSegments"/>. The local
/// host's services (AddCdpLocalServices, as `Cdp.Local import` builds them) run in this process on a fresh data
/// directory, with the journaled workflow runner's background worker started; the profiles are inserted straight into
/// cdp.db, the segments saved as PUT /api/segments/{key} saves them, and the refresh started as POST
/// /api/segments/refresh starts it. Run 1 is the first refresh after the segments are defined (every member enters and
/// is written); run 2 follows at once and finds nothing to change, as most scheduled refreshes do.
/// </summary>
internal static class RefreshBenchmark
{
    public static async Task<Figure[]> RunAsync(int count, IReadOnlyList<string> hostSettings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cdp-bench-segments-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = [$"--Cdp:Local:DataDirectory={dataDirectory}", .. hostSettings.Select(s => "--" + s)],
            });
            builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
            builder.Services.AddCdpLocalServices(builder.Configuration);
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            try
            {
                return await MeasureAsync(host.Services, count, progress, cancellationToken);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task<Figure[]> MeasureAsync(IServiceProvider services, int count, Action<string> progress, CancellationToken cancellationToken)
    {
        var definitions = services.GetRequiredService<SegmentDefinitions>();
        foreach (var (key, definition) in BenchSegments.All)
        {
            var saved = await definitions.SaveAsync(key, BenchSegments.Body(key, definition), cancellationToken);
            if (saved.Segment is null)
            {
                throw new InvalidOperationException($"segment {key} was refused: {string.Join("; ", saved.Problems.Select(p => $"{p.Path} {p.Message}"))}");
            }
        }

        var catalog = services.GetRequiredService<SegmentCatalog>();
        var bigOrder = catalog.Loaded[BenchSegments.BigBuyers].Compiled!.Needs.Filters.Single();
        var generator = new SyntheticProfiles(services.GetRequiredService<IdentityHasher>(), bigOrder, TimeProvider.System.GetUtcNow());
        var load = Stopwatch.StartNew();
        progress($"storing {count:N0} synthetic profiles");
        var averageBytes = await generator.InsertAsync(services.GetRequiredService<SqliteDatabase>(), count, progress, cancellationToken);
        progress(string.Create(CultureInfo.InvariantCulture, $"stored in {load.Elapsed.TotalSeconds:N1} s, {averageBytes / 1024:N1} KB of JSON each (avg); load average {Machine.LoadAverage()}"));

        var runs = new List<(SegmentRefreshCounts Counts, TimeSpan Elapsed, TimeSpan Cpu, long Written, long PeakBytes, string LoadBefore, string LoadAfter)>();
        for (var run = 1; run <= 2; run++)
        {
            // Collected first and the peak reset, so each run's peak is its own and not the generator's.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Machine.ResetPeakWorkingSet();
            var loadBefore = Machine.LoadAverage();
            progress($"refresh run {run} of 2 over {count:N0} profiles, 10 segments");
            using var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var writtenBefore = Machine.BytesWritten();
            var watch = Stopwatch.StartNew();
            var started = await services.GetRequiredService<SegmentRefreshStarter>().StartNowAsync(cancellationToken);
            var finished = await services.GetRequiredService<IWorkflowClient>().WaitForCompletionAsync(started.InstanceId, cancellationToken);
            var elapsed = watch.Elapsed;
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpuBefore;
            if (finished is not { Status: WorkflowStatus.Completed } || finished.ReadOutput<SegmentRefreshCounts>() is not { } counts)
            {
                throw new InvalidOperationException($"refresh {started.InstanceId} ended {finished?.Status}: {finished?.Error}");
            }

            runs.Add((counts, elapsed, cpu, Machine.BytesWritten() - writtenBefore, Machine.PeakWorkingSetBytes(), loadBefore, Machine.LoadAverage()));
            progress(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: {elapsed.TotalSeconds:N1} s ({cpu.TotalSeconds:N1} s of CPU), {counts.Evaluated:N0} evaluated, {counts.Written:N0} written, {counts.Entered:N0} entered, {counts.Exited:N0} exited"));
        }

        var members = services.GetRequiredService<ISegmentMembers>();
        long indexed = 0;
        foreach (var (key, _) in BenchSegments.All)
        {
            indexed += await members.CountAsync(key, cancellationToken);
        }

        if (indexed != runs[0].Counts.Entered - runs[0].Counts.Exited - runs[1].Counts.Exited + runs[1].Counts.Entered)
        {
            progress($"WARNING: the members index lists {indexed:N0} memberships, the refreshes recorded a different number");
        }

        return [.. runs.SelectMany((r, i) => Figures(i + 1, count, r.Counts, r.Elapsed, r.Cpu, r.Written, r.PeakBytes, r.LoadBefore, r.LoadAfter, indexed))];
    }

    private static Figure[] Figures(
        int run, int count, SegmentRefreshCounts counts, TimeSpan elapsed, TimeSpan cpu, long written, long peakBytes, string loadBefore, string loadAfter, long indexed)
    {
        var kind = run == 1 ? "first refresh after the segments are defined" : "second refresh, nothing changed";
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{kind}: {counts.Evaluated:N0} evaluated, {counts.Written:N0} written, {counts.Entered:N0} entered, {counts.Exited:N0} exited, {counts.FilteredByConsent:N0} held back by consent; {elapsed.TotalSeconds:N1} s; {written / (1024.0 * 1024):N0} MB written to disk (database, WAL and checkpoints); members index {indexed:N0} rows after both runs; load average {loadBefore} -> {loadAfter}");
        return
        [
            new Figure(string.Create(CultureInfo.InvariantCulture, $"Segment refresh run {run}: {count:N0} profiles, 10 segments, local SQLite"),
                counts.Evaluated / elapsed.TotalSeconds, "profiles/s", detail),
            new Figure($"Segment refresh run {run}: total time", elapsed.TotalSeconds, "s", detail,
                count >= 1_000_000 ? "≤ 60 s for 1,000,000 profiles" : null, count >= 1_000_000 ? elapsed.TotalSeconds <= 60 : null, "N1"),
            new Figure($"Segment refresh run {run}: CPU time", cpu.TotalSeconds, "s", string.Create(CultureInfo.InvariantCulture,
                $"user + system time of the bench process during the run, {cpu.TotalMicroseconds / Math.Max(1, counts.Evaluated):N0} µs a profile; less sensitive to other work on the machine than the elapsed time ({Environment.ProcessorCount} cores)"), Format: "N1"),
            new Figure($"Segment refresh run {run}: peak working set", peakBytes / (1024.0 * 1024), "MB",
                "the bench process's VmHWM during the run (reset before it through /proc/self/clear_refs; the whole process's peak where that is refused)"),
        ];
    }
}
