using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cdp.Bench;

/// <summary>
/// Segment figure 2: event-to-membership latency under the ingest benchmark's HTTP load. The embedded host runs as a
/// child process (as for figure 4 of ingest) with five segments saved through PUT /api/segments/{key}; the clients post
/// the server or browser mix, whose sign-ups (Sam Newman of Denver, a new userId each) qualify for "new-in-denver" from
/// their first identify. For one sign-up in ten, a probe polls the profile API by userId (the profile document, whose
/// <c>segments</c> standing is the record of membership) until it shows the segment with member = true.
/// </summary>
internal static class MembershipLatencyBenchmark
{
    private const string Probed = "new-in-denver";

    private static readonly (string Key, string Definition)[] Segments =
    [
        (Probed, """{"all": [{"trait": "lastName", "op": "eq", "value": "Newman"}, {"trait": "address.city", "op": "eq", "value": "Denver"}]}"""),
        ("free-us", """{"all": [{"trait": "plan", "op": "eq", "value": "free"}, {"trait": "address.country", "op": "eq", "value": "US"}]}"""),
        ("identified", """{"trait": "computed.eventCounts.identify", "op": "gte", "value": 1}"""),
        ("unconsented", """{"not": {"consent": "marketing"}}"""),
        ("frequent", """{"any": [{"trait": "computed.eventCount", "op": "gte", "value": 50}, {"trait": "plan", "op": "in", "value": ["pro", "enterprise"]}]}"""),
    ];

    public static async Task<Figure[]> RunAsync(
        Mix mix, IReadOnlyList<Person> people, int clients, TimeSpan duration, IReadOnlyList<string> hostSettings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var templates = mix == Mix.Browser ? HttpBenchmark.BrowserTemplates(new EventMix(4), people) : HttpBenchmark.Templates(new EventMix(4), people);
        var name = mix.ToString().ToLowerInvariant();
        var writeKey = "wk_bench_" + Guid.NewGuid().ToString("N")[..16];
        var adminKey = "ak_bench_" + Guid.NewGuid().ToString("N");
        await using var host = LocalHost.Start(writeKey, ["Cdp:Local:AdminKey=" + adminKey, .. hostSettings]);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 32 })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        var admin = new AuthenticationHeaderValue("Bearer", adminKey);
        await host.WaitUntilHealthyAsync(http, TimeSpan.FromSeconds(60), cancellationToken);
        foreach (var (key, definition) in Segments)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/segments/" + key, UriKind.Relative))
            {
                Headers = { Authorization = admin },
                Content = new ByteArrayContent(BenchSegments.Body(key, definition)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            using var saved = await http.SendAsync(put, cancellationToken);
            if (!saved.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"PUT /api/segments/{key} answered {(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        progress($"host up at {host.Address} with {Segments.Length} segments; warming up for 2 s");
        HttpBenchmark.LoadRun run;
        TimeSpan drained;
        TimeSpan?[] latencies;
        var loadBefore = Machine.LoadAverage();
        try
        {
            var load = new HttpBenchmark.Load(http, templates, MemberProbe(http, admin));
            await load.RunAsync(clients, TimeSpan.FromSeconds(2), probe: false, cancellationToken);
            await HttpBenchmark.WaitForEmptyOutboxAsync(http, host, cancellationToken);
            progress($"{clients} clients posting the {name} mix for {duration.TotalSeconds:N0} s");
            run = await load.RunAsync(clients, duration, probe: true, cancellationToken);
            await HttpBenchmark.WaitForEmptyOutboxAsync(http, host, cancellationToken);
            drained = run.Clock.Elapsed;
            latencies = await Task.WhenAll(run.Probes);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"a request to the host failed ({ex.Message}); its last output:{Environment.NewLine}{host.RecentOutput}", ex);
        }

        var found = latencies.Where(l => l is not null).Select(l => l!.Value.TotalMilliseconds).Order().ToList();
        var missing = latencies.Length - found.Count;
        var p99 = HttpBenchmark.Percentile(found, 0.99);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{found.Count} sampled sign-ups (1 request in {HttpBenchmark.ProbeEvery}), {missing} not members within {HttpBenchmark.ProbeTimeout.TotalSeconds:N0} s; send time to the first GET of the profile that showed member = true, polled every 10 ms (50 ms after 1 s), so each sample is late by up to one interval plus a GET; {Segments.Length} segments; load average {loadBefore} -> {Machine.LoadAverage()}");
        var throughput = string.Create(CultureInfo.InvariantCulture,
            $"{run.AcceptedEvents:N0} events accepted in {run.Duration.TotalSeconds:N1} s by {clients} clients ({run.Failed} failed requests); outbox empty {drained.TotalSeconds:N1} s after the first request");
        return
        [
            new Figure($"Segments under load: accepted, {name} mix", run.AcceptedEvents / run.Duration.TotalSeconds, "events/s", throughput),
            new Figure($"Segments under load: processed into SQLite, {name} mix", run.AcceptedEvents / drained.TotalSeconds, "events/s", throughput),
            new Figure($"Event-to-membership latency p50, {name} mix", HttpBenchmark.Percentile(found, 0.5), "ms", detail),
            new Figure($"Event-to-membership latency p99, {name} mix", p99, "ms", detail, "≤ 1,000 ms", missing == 0 && p99 <= 1_000),
            new Figure($"Host peak working set with segments, {name} mix", host.PeakWorkingSetBytes / (1024.0 * 1024), "MB",
                "the Cdp.Local process's VmHWM from start-up through warm-up, load and drain"),
        ];
    }

    /// <summary>Polls the sign-up's standing until it is a member of <see cref="Probed"/>; null when it never is.</summary>
    private static Func<string, long, CancellationToken, Task<TimeSpan?>> MemberProbe(HttpClient http, AuthenticationHeaderValue admin) =>
        async (userId, sent, cancellationToken) =>
        {
            var uri = new Uri("/api/profiles?identifierType=userId&value=" + Uri.EscapeDataString(userId), UriKind.Relative);
            while (Stopwatch.GetElapsedTime(sent) < HttpBenchmark.ProbeTimeout)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Headers = { Authorization = admin } };
                using (var response = await http.SendAsync(request, cancellationToken))
                {
                    if (response.StatusCode == HttpStatusCode.OK && IsMember(await response.Content.ReadAsByteArrayAsync(cancellationToken)))
                    {
                        return Stopwatch.GetElapsedTime(sent);
                    }

                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        throw new InvalidOperationException($"the profile API refused the probe's key: {(int)response.StatusCode}");
                    }
                }

                await Task.Delay(Stopwatch.GetElapsedTime(sent) < TimeSpan.FromSeconds(1) ? 10 : 50, cancellationToken);
            }

            return null;
        };

    private static bool IsMember(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("segments", out var segments)
            && segments.TryGetProperty(Probed, out var standing) && standing.GetProperty("member").GetBoolean();
    }
}
