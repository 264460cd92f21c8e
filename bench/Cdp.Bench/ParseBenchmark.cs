using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;

namespace Cdp.Bench;

/// <summary>Figure 1: how fast System.Text.Json alone turns /v1/batch bodies into SegmentEvents (the ceiling for ingestion).</summary>
internal static class ParseBenchmark
{
    private const int Passes = 3;

    public static Figure Run(IReadOnlyList<byte[]> bodies, string mix)
    {
        // These first walks over the bodies also warm up the JIT before the timed passes.
        var sizes = bodies.SelectMany(b => RequestParser.Parse(IngestRoute.Batch, b).Items.Select(i => i.Bytes)).Order().ToList();
        var events = bodies.Sum(b => Parse(b).Count);
        var bytes = bodies.Sum(b => (long)b.Length);
        var times = new List<TimeSpan>();
        for (var pass = 0; pass < Passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var body in bodies)
            {
                Parse(body);
            }

            times.Add(watch.Elapsed);
        }

        var median = times.Order().ElementAt(Passes / 2);
        return new Figure(
            $"STJ parse of /v1/batch bodies (source-generated CdpJsonContext), {mix} mix",
            events / median.TotalSeconds,
            "events/s",
            string.Create(CultureInfo.InvariantCulture,
                $"{events:N0} events in {bodies.Count:N0} bodies ({events / (double)bodies.Count:N1} events each, avg), {sizes.Average():N0} B/event avg ({sizes[sizes.Count / 20]:N0}-{sizes[sizes.Count * 19 / 20]:N0} B for 90% of them), 1 thread, median of {Passes} passes ({bytes / median.TotalSeconds / 1e6:N0} MB/s)"));
    }

    /// <summary>Deserializes the "batch" array in one call, as a plain System.Text.Json consumer would.</summary>
    private static List<SegmentEvent> Parse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isBatch = reader.ValueTextEquals("batch"u8);
            reader.Read();
            if (isBatch)
            {
                return JsonSerializer.Deserialize(ref reader, CdpJsonContext.Default.ListSegmentEvent)!;
            }

            reader.Skip();
        }

        throw new InvalidDataException("body has no batch array");
    }
}
