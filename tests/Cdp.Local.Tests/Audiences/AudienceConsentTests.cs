using System.Diagnostics.Metrics;
using System.Net;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// A destination declares the consent purposes it needs: a member without them is counted in the segment but never
/// sent, and a member who withdraws one is told to the destination as having left.
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceConsentTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    [Fact]
    public async Task Identify_MemberWhoDeclinedMarketing_CountedAsMemberAndFilteredButNeverSent()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url));
        using var filtered = new FilteredByConsentCounter(host.Factory.Services.GetRequiredService<IMeterFactory>());
        await host.PutSegmentAsync("pro", Pro, "crm");

        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("noor", "noor-identify-1", plan: "pro", marketing: false));
        var profileId = (await Poll.UntilAsync(() => host.MembersAsync("pro"), m => m.Count == 1, "noor in the members listing")).Single();

        // A consenting member qualifies after noor: once their delivery arrived and nothing is queued, noor's would have too.
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("omar", "omar-identify-1", plan: "pro", marketing: true));
        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "omar"), "omar's Audience Entered");
        await host.WaitForDrainedAsync("crm");

        Assert.DoesNotContain(receiver.Requests.SelectMany(r => r.Events), e => e.UserId() == "noor");
        var segment = (await host.Client.GetAsync("/api/segments/pro")).Json!;
        Assert.Equal(2, segment["memberCount"]!.GetValue<long>());
        var standing = (await host.StandingAsync(profileId, "pro"))!;
        Assert.True(standing["member"]!.GetValue<bool>());
        Assert.Empty(standing["sentTo"]!.AsArray());
        Assert.Empty(await host.LineageAsync(profileId));
        Assert.Equal(0, (await host.DestinationAsync("crm"))["deadLettered"]!.GetValue<long>());

        // Operators see it on the Cdp.Segments meter (dotnet-counters, OpenTelemetry): held back from a destination by consent.
        Assert.True(filtered.Total >= 1, "cdp.segments.filtered_by_consent counted noor");

        // Held back, not forgotten: once noor says yes (the consent API), the destination gets them.
        var granted = await host.SendAsync(HttpMethod.Put, $"/api/profiles/{profileId}/consent", """{"source":"preference-center","purposes":{"marketing":true}}""");
        Assert.True(granted.Status == HttpStatusCode.OK, granted.ToString());
        var entered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "noor"), "noor's Audience Entered once they consented");
        Assert.Equal(("pro", $"pro:{profileId}:crm:2"), (entered.AudienceKey(), entered.MessageId()));
    }

    [Fact]
    public async Task ConsentApi_SentMemberWithdrawsMarketing_AudienceExitedArrivesAndMembershipStays()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url));
        await host.PutSegmentAsync("pro", Pro, "crm");
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("kai", "kai-identify-1", plan: "pro", marketing: true));
        var entered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "kai"), "kai's Audience Entered");
        var profileId = (await host.MembersAsync("pro")).Single();

        var withdrawn = await host.SendAsync(HttpMethod.Put, $"/api/profiles/{profileId}/consent",
            """{"source":"preference-center","purposes":{"marketing":false}}""");

        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.ToString());
        var exited = await receiver.WaitForEventAsync(e => e.Is("Audience Exited", "kai"), "kai's Audience Exited");
        Assert.Equal(("pro", $"pro:{profileId}:crm:2"), (exited.AudienceKey(), exited.MessageId()));
        Assert.NotEqual(entered.MessageId(), exited.MessageId());
        await host.WaitForDrainedAsync("crm");
        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.True(r.Verified, r.ToString()));
        Assert.Equal([profileId], await host.MembersAsync("pro"));
        Assert.Empty((await host.StandingAsync(profileId, "pro"))!["sentTo"]!.AsArray());
    }

    /// <summary>Listens to <c>cdp.segments.filtered_by_consent</c> of the one host whose meter factory it is given.</summary>
    private sealed class FilteredByConsentCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public FilteredByConsentCounter(IMeterFactory hostMeters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == hostMeters && instrument.Meter.Name == "Cdp.Segments" && instrument.Name == "cdp.segments.filtered_by_consent")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
