using System.Globalization;
using Cdp.Core.Destinations;

namespace Cdp.Local.Demo;

/// <summary>What the demo shows after each phase: audiences, what each destination got, what consent held back, where to look.</summary>
public sealed class DemoReport(
    DemoClient client, DemoWebhookReceiver receiver, string dataDirectory, string url, string adminKey, TextWriter output, TimeProvider time)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    /// <summary>Where the file destination's change files land: the exports area of the data directory.</summary>
    public string FileFolder => Path.Combine(dataDirectory, "exports", "destinations", DemoSetup.FileDestination, "changes");

    /// <summary>
    /// Waits until every accepted event is processed, nothing is queued for a destination and nothing has changed for
    /// 3 s (merges and their re-evaluation run after the batches that asked for them). False at <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> SettleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        string? last = null;
        var quiet = 0;
        while (time.GetElapsedTime(start) < timeout)
        {
            var outbox = await client.OutboxAsync(cancellationToken);
            var queued = (await client.DestinationsAsync(cancellationToken)).Values.Sum(d => d.Queued);
            var counts = new List<long>();
            foreach (var segment in DemoSetup.Segments)
            {
                counts.Add(await client.MemberCountAsync(segment.Key, cancellationToken));
            }

            var snapshot = string.Join(',', [outbox, queued, .. counts, receiver.Events.Count, CsvFiles().Count]);
            quiet = outbox == 0 && queued == 0 && snapshot == last ? quiet + 1 : 0;
            if (quiet >= 6)
            {
                return true;
            }

            last = snapshot;
            await Task.Delay(Pause, time, cancellationToken);
        }

        return false;
    }

    public async Task PrintAudiencesAsync(CancellationToken cancellationToken)
    {
        var rows = FileRows();
        var received = receiver.Events;
        await output.WriteLineAsync();
        await output.WriteLineAsync("Audiences (GET /api/segments/{key}) and what each destination got:");
        foreach (var segment in DemoSetup.Segments)
        {
            var members = await client.MemberCountAsync(segment.Key, cancellationToken);
            var parts = new List<string>();
            foreach (var destination in segment.Destinations)
            {
                var purpose = DemoSetup.Purposes[destination];
                var (entered, exited) = destination == DemoSetup.WebhookDestination
                    ? (received.Count(e => e.Segment == segment.Key && e.Event == AudienceMessage.EnteredEvent),
                       received.Count(e => e.Segment == segment.Key && e.Event == AudienceMessage.ExitedEvent))
                    : (rows.Count(r => r.Segment == segment.Key && r.Event == AudienceMessage.EnteredEvent),
                       rows.Count(r => r.Segment == segment.Key && r.Event == AudienceMessage.ExitedEvent));
                var held = await client.PreviewCountAsync($$$"""{"all":[{{{segment.Definition}}},{"not":{"consent":"{{{purpose}}}"}}]}""", cancellationToken);
                parts.Add($"{destination}: {entered} entered, {exited} exited; {held} members held back ({purpose} not granted)");
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {segment.Key,-20} {members,4} members   {string.Join("   ", parts)}"));
        }

        var destinations = await client.DestinationsAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Webhook: {receiver.Verified} signed POSTs verified, {receiver.Rejected} rejected; {received.Count} audience events."));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"File:    {CsvFiles().Count} CSV change files, {rows.Count} rows, in {FileFolder}"));
        await output.WriteLineAsync("Queues (GET /api/destinations): " + string.Join("; ",
            destinations.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value.Queued} queued, {d.Value.DeadLettered} dead-lettered"))));
    }

    public async Task PrintTryItAsync()
    {
        var auth = $"-H \"Authorization: Bearer {adminKey}\"";
        var baseUrl = url.TrimEnd('/');
        await output.WriteLineAsync();
        await output.WriteLineAsync("Explore (the admin key holds every role and lasts as long as this run):");
        await output.WriteLineAsync($"  curl {auth} {baseUrl}/api/segments/vip-customers/members");
        await output.WriteLineAsync($"  curl {auth} {baseUrl}/api/segments/pro-plan");
        await output.WriteLineAsync($"  curl {auth} \"{baseUrl}/api/profiles?identifierType=userId&value=user-0001\"");
        await output.WriteLineAsync($"  curl {auth} {baseUrl}/api/destinations");
        await output.WriteLineAsync($"  ls -R {FileFolder}");
    }

    /// <summary>The change files the file destination wrote so far.</summary>
    public IReadOnlyList<string> CsvFiles() =>
        Directory.Exists(FileFolder) ? Directory.GetFiles(FileFolder, "*.csv", SearchOption.AllDirectories) : [];

    /// <summary>Event and audience of each row; both are the first two columns and never hold a comma or a quote.</summary>
    private List<(string Event, string Segment)> FileRows() =>
        [.. CsvFiles().SelectMany(f => File.ReadLines(f).Skip(1))
            .Select(line => line.Split(',', 3))
            .Where(cells => cells.Length >= 2)
            .Select(cells => (cells[0], cells[1]))];
}
