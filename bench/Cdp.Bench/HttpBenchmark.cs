using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cdp.Bench;

/// <summary>
/// Figure 4: the embedded host end to end. C clients POST /v1/batch bodies for S seconds; then the outbox is watched
/// until every accepted event is in SQLite. Server mix: 100 events of many people, starting with the identify of a new
/// sign-up (a unique userId). Browser mix: one person's visit of 5-40 events; every other body is a new sign-up's
/// first visit. For one request in <see cref="ProbeEvery"/> that signs someone up, a probe polls the profile API
/// until that userId resolves. The host's peak working set is read at the end.
/// </summary>
internal static class HttpBenchmark
{
    internal const int ProbeEvery = 10;
    private const int TemplateCount = 200;

    /// <summary>Stands for the request number (12 hex digits) in messageIds and the sign-up's ids, stamped in per request.</summary>
    private const string Slot = "############";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);
    private static readonly Uri BatchRoute = new("/v1/batch", UriKind.Relative);
    private static readonly Uri HealthRoute = new("/health", UriKind.Relative);

    public static async Task<Figure[]> RunAsync(
        Mix mix, IReadOnlyList<Person> people, int clients, TimeSpan duration, IReadOnlyList<string> hostSettings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var templates = mix == Mix.Browser ? BrowserTemplates(new EventMix(4), people) : Templates(new EventMix(4), people);
        var name = mix.ToString().ToLowerInvariant();
        var writeKey = "wk_bench_" + Guid.NewGuid().ToString("N")[..16];

        // The probes read the profile API, which needs a key with Profiles.Read; an admin key is the shortest way there.
        var adminKey = "ak_bench_" + Guid.NewGuid().ToString("N");
        await using var host = LocalHost.Start(writeKey, ["Cdp:Local:AdminKey=" + adminKey, .. hostSettings]);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 32 })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        await host.WaitUntilHealthyAsync(http, TimeSpan.FromSeconds(60), cancellationToken);
        progress($"host up at {host.Address} (data in {host.DataDirectory}{string.Concat(hostSettings.Select(s => ", --" + s))}); warming up for {WarmUp.TotalSeconds:N0} s");

        LoadRun run;
        TimeSpan drained;
        TimeSpan?[] latencies;
        long peakBytes;
        try
        {
            var load = new Load(http, templates, ProfileProbe(http, new AuthenticationHeaderValue("Bearer", adminKey)));
            await load.RunAsync(clients, WarmUp, probe: false, cancellationToken);
            await WaitForEmptyOutboxAsync(http, host, cancellationToken);

            progress($"{clients} clients posting for {duration.TotalSeconds:N0} s");
            run = await load.RunAsync(clients, duration, probe: true, cancellationToken);
            progress($"{run.AcceptedEvents:N0} events accepted; waiting for the outbox to drain");
            await WaitForEmptyOutboxAsync(http, host, cancellationToken);
            drained = run.Clock.Elapsed;
            latencies = await Task.WhenAll(run.Probes);
            peakBytes = host.PeakWorkingSetBytes;
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"a request to the host failed ({ex.Message}); its last output:{Environment.NewLine}{host.RecentOutput}", ex);
        }

        var found = latencies.Where(l => l is not null).Select(l => l!.Value.TotalMilliseconds).Order().ToList();
        var missing = latencies.Length - found.Count;
        if (run.Failed > 0)
        {
            progress($"{run.Failed} requests failed; first: {run.FirstError}");
        }

        var endToEnd = run.AcceptedEvents / drained.TotalSeconds;
        var p99 = Percentile(found, 0.99);
        var probes = string.Create(CultureInfo.InvariantCulture,
            $"{found.Count} sampled sign-ups (1 request in {ProbeEvery}), {missing} not found within {ProbeTimeout.TotalSeconds:N0} s; polled every 10 ms (50 ms after 1 s)");
        return
        [
            new Figure(string.Create(CultureInfo.InvariantCulture, $"HTTP accepted: POST /v1/batch, {clients} client{(clients == 1 ? string.Empty : "s")}, {name} mix"),
                run.AcceptedEvents / run.Duration.TotalSeconds, "events/s",
                string.Create(CultureInfo.InvariantCulture,
                    $"{run.Requests:N0} requests of {run.AcceptedEvents / (double)Math.Max(1, run.Requests - run.Failed):N1} events avg in {run.Duration.TotalSeconds:N1} s, {run.Failed} failed; POST p50 {Percentile(run.PostMillis, 0.5):N0} ms, p99 {Percentile(run.PostMillis, 0.99):N0} ms")),
            new Figure($"End to end: accepted -> processed into SQLite, {name} mix", endToEnd, "events/s",
                string.Create(CultureInfo.InvariantCulture,
                    $"{run.AcceptedEvents:N0} events; outbox empty {drained.TotalSeconds:N1} s after the first request ({(drained - run.Duration).TotalSeconds:N1} s after the last)"),
                "≥ 20,000 events/s", endToEnd >= 20_000),
            new Figure($"Request-to-profile latency p50 under that load, {name} mix", Percentile(found, 0.5), "ms", probes),
            new Figure($"Request-to-profile latency p99 under that load, {name} mix", p99, "ms", probes, "≤ 1,000 ms", missing == 0 && p99 <= 1_000),
            new Figure($"Host peak working set under that load, {name} mix", peakBytes / (1024.0 * 1024), "MB",
                string.Create(CultureInfo.InvariantCulture,
                    $"the Cdp.Local process's VmHWM (peak resident memory) from start-up through warm-up, load and drain; {clients} clients, server GC"),
                "≤ 512 MB (aim)", peakBytes <= 512L * 1024 * 1024),
        ];
    }

    /// <summary>Bodies to send: a new sign-up's identify, then 99 events of the population. Slots are stamped per request.</summary>
    internal static List<Template> Templates(EventMix mix, IReadOnlyList<Person> people)
    {
        var templates = new List<Template>(TemplateCount);
        var at = EventMix.Epoch;
        for (var t = 0; t < TemplateCount; t++)
        {
            var body = EventMix.Body(w =>
            {
                var device = mix.CreateDevice(mobile: false) with { AnonymousId = "anon-new-" + Slot };
                var signUp = new Person("new-" + Slot, $"new-{Slot}@example.com", null, "Sam", "Newman", "Denver", "US", "free", 7, [device]);
                mix.Write(w, Call.Identify, signUp, device, loggedIn: true, $"r-{Slot}-000", at);
                for (var i = 1; i < EventMix.BatchSize; i++)
                {
                    var person = people[mix.Random.Next(people.Count)];
                    at += TimeSpan.FromMilliseconds(mix.Random.Next(1, 100));
                    mix.Write(w, mix.NextCall(person.Devices[0]), person, person.Devices[0],
                        loggedIn: mix.Random.NextDouble() < 0.8, string.Create(CultureInfo.InvariantCulture, $"r-{Slot}-{i:D3}"), at);
                }
            }, at);
            templates.Add(new Template(body, SlotOffsets(body), SignsUp: true));
        }

        return templates;
    }

    /// <summary>Browser visits, one a body: a new sign-up's first visit, then a visit by someone from the population, by turns.</summary>
    internal static List<Template> BrowserTemplates(EventMix mix, IReadOnlyList<Person> people)
    {
        var templates = new List<Template>(TemplateCount);
        var at = EventMix.Epoch;
        for (var t = 0; t < TemplateCount; t++)
        {
            var signsUp = t % 2 == 0;
            var person = people[mix.Random.Next(people.Count)];
            var device = person.Devices[mix.Random.Next(person.Devices.Count)];
            if (signsUp)
            {
                device = mix.CreateDevice(mobile: false) with { AnonymousId = "anon-new-" + Slot };
                person = new Person("new-" + Slot, $"new-{Slot}@example.com", null, "Sam", "Newman", "Denver", "US", "free", 7, [device]);
            }

            var count = mix.Random.Next(EventMix.MinSession, EventMix.MaxSession + 1);
            var start = at;
            at += EventMix.MaxStep * count;
            var body = EventMix.Body(
                w => mix.WriteSession(w, person, device, count, i => string.Create(CultureInfo.InvariantCulture, $"r-{Slot}-{i:D3}"), start, signsIn: signsUp ? true : null),
                at);
            templates.Add(new Template(body, SlotOffsets(body), signsUp));
        }

        return templates;
    }

    private static int[] SlotOffsets(byte[] body)
    {
        var slot = Encoding.ASCII.GetBytes(Slot);
        var offsets = new List<int>();
        for (var i = body.AsSpan().IndexOf(slot); i >= 0;)
        {
            offsets.Add(i);
            var next = body.AsSpan(i + slot.Length).IndexOf(slot);
            i = next < 0 ? -1 : i + slot.Length + next;
        }

        return [.. offsets];
    }

    internal static async Task WaitForEmptyOutboxAsync(HttpClient http, LocalHost host, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using (var health = JsonDocument.Parse(await http.GetStringAsync(HealthRoute, cancellationToken)))
            {
                if (health.RootElement.GetProperty("outbox").GetInt64() == 0)
                {
                    return;
                }
            }

            if (watch.Elapsed > DrainTimeout)
            {
                throw new TimeoutException($"the outbox did not drain within {DrainTimeout.TotalMinutes} minutes:{Environment.NewLine}{host.RecentOutput}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    internal static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A body with the byte offsets of its slots; <see cref="Stamp"/> makes a copy unique to one request.</summary>
    internal sealed record Template(byte[] Body, int[] Slots, bool SignsUp)
    {
        public byte[] Stamp(long sequence)
        {
            var body = Body.ToArray();
            Span<byte> hex = stackalloc byte[Slot.Length];
            sequence.TryFormat(hex, out _, "x12", CultureInfo.InvariantCulture);
            foreach (var offset in Slots)
            {
                hex.CopyTo(body.AsSpan(offset));
            }

            return body;
        }
    }

    internal sealed record LoadRun(
        Stopwatch Clock, TimeSpan Duration, long Requests, long Failed, long AcceptedEvents, string? FirstError,
        List<double> PostMillis, IReadOnlyList<Task<TimeSpan?>> Probes);

    /// <summary>
    /// Time from sending a request (a Stopwatch timestamp) until the profile API finds its sign-up (a userId); null
    /// when it never does.
    /// </summary>
    internal static Func<string, long, CancellationToken, Task<TimeSpan?>> ProfileProbe(HttpClient http, AuthenticationHeaderValue profileReader) =>
        async (userId, sent, cancellationToken) =>
        {
            var uri = new Uri("/api/profiles?identifierType=userId&value=" + Uri.EscapeDataString(userId), UriKind.Relative);
            while (Stopwatch.GetElapsedTime(sent) < ProbeTimeout)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Headers = { Authorization = profileReader } };
                using (var response = await http.SendAsync(request, cancellationToken))
                {
                    if (response.StatusCode == HttpStatusCode.OK)
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

    /// <summary>The clients. Request numbers go on across runs, so every messageId and sign-up is unique.</summary>
    /// <param name="probeSignUp">Started for one sampled sign-up in <see cref="ProbeEvery"/>: given its userId and the request's send time.</param>
    internal sealed class Load(HttpClient http, IReadOnlyList<Template> templates, Func<string, long, CancellationToken, Task<TimeSpan?>> probeSignUp)
    {
        private long _sequence;

        public async Task<LoadRun> RunAsync(int clients, TimeSpan duration, bool probe, CancellationToken cancellationToken)
        {
            var posts = new ConcurrentBag<double>();
            var probes = new ConcurrentBag<Task<TimeSpan?>>();
            long requests = 0;
            long failed = 0;
            long accepted = 0;
            string? firstError = null;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync, cancellationToken)));
            var elapsed = clock.Elapsed;
            return new LoadRun(clock, elapsed, requests, failed, accepted, firstError, [.. posts.Order()], [.. probes]);

            async Task ClientAsync()
            {
                while (clock.Elapsed < duration)
                {
                    var n = Interlocked.Increment(ref _sequence);
                    var template = templates[(int)(n % templates.Count)];
                    using var content = new ByteArrayContent(template.Stamp(n));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsync(BatchRoute, content, cancellationToken);
                    var text = await response.Content.ReadAsStringAsync(cancellationToken);
                    posts.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    Interlocked.Increment(ref requests);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {text}", null);
                        continue;
                    }

                    using (var answer = JsonDocument.Parse(text))
                    {
                        Interlocked.Add(ref accepted, answer.RootElement.GetProperty("accepted").GetInt32());
                    }

                    if (probe && template.SignsUp && n % ProbeEvery == 0)
                    {
                        probes.Add(probeSignUp("new-" + n.ToString("x12", CultureInfo.InvariantCulture), sent, cancellationToken));
                    }
                }
            }
        }
    }
}
