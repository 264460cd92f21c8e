using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Destinations;

/// <summary>
/// Core with two webhook destinations (<c>crm</c> at crm.test, <c>ads</c> at ads.test, purpose marketing) and one file
/// destination (<c>files</c>), over the in-memory ports, a fake clock and <see cref="FakeReceiver"/> as the network.
/// </summary>
internal sealed class DestinationHarness : IDisposable
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public DestinationHarness(Action<CoreHarness>? configure = null)
    {
        Core.With("Cdp:Destinations:crm:Type", "webhook")
            .With("Cdp:Destinations:crm:Url", "https://crm.test/hooks?token=t0ken")
            .With("Cdp:Destinations:crm:Secret", Secret)
            .With("Cdp:Destinations:crm:Purposes:0", "marketing")
            .With("Cdp:Destinations:crm:MaxAttempts", "3")
            .With("Cdp:Destinations:ads:Type", "webhook")
            .With("Cdp:Destinations:ads:Url", "https://ads.test/in")
            .With("Cdp:Destinations:ads:Secret", Secret)
            .With("Cdp:Destinations:ads:Purposes:0", "marketing")
            .With("Cdp:Destinations:files:Type", "file")
            .With("Cdp:Destinations:files:Format", "csv")
            .With("Cdp:Destinations:files:Purposes:0", "marketing")
            .With("Cdp:Destinations:files:Mapping:email", "identifiers.email")
            .With("Cdp:Destinations:files:Mapping:plan", "traits.plan")
            .WithServices(s => s.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => Receiver));
        configure?.Invoke(Core);
    }

    public CoreHarness Core { get; } = new();

    public FakeReceiver Receiver { get; } = new();

    public DeliveryPump Pump => Core.Services.GetRequiredService<DeliveryPump>();

    public IAudienceActivation Activation => Core.Services.GetRequiredService<IAudienceActivation>();

    public InMemoryDeliveryQueue Queue => Core.Services.GetRequiredService<InMemoryDeliveryQueue>();

    public InMemoryExportLedger Ledger => Core.Services.GetRequiredService<InMemoryExportLedger>();

    public InMemoryDocumentArea Documents => Core.Services.GetRequiredService<InMemoryDocumentArea>();

    public DateTimeOffset Now => Core.Time.GetUtcNow();

    /// <summary>A profile with a userId, an email, a plan trait and a private trait, consenting to marketing unless told not to.</summary>
    public async Task<Profile> ProfileAsync(string id, bool marketing = true)
    {
        var profile = new Profile
        {
            Id = id,
            Identifiers =
            [
                new ProfileIdentifier(IdentifierTypes.UserId, $"user-{id}", $"userId:{id}", Now),
                new ProfileIdentifier(IdentifierTypes.Email, $"{id}@example.com", $"email:{id}", Now),
            ],
            Traits =
            {
                ["plan"] = new TraitValue(JsonSerializer.SerializeToElement("pro"), Now, "src"),
                ["secretNote"] = new TraitValue(JsonSerializer.SerializeToElement("do not send"), Now, "src"),
            },
            Consent = { [ConsentOptions.Marketing] = new ConsentState(marketing, Now, "test") },
        };
        await Core.Profiles.CreateAsync(profile, CancellationToken.None);
        return profile;
    }

    public AudienceDelivery Delivery(string destination, string profileId, string kind = AudienceDeliveryKinds.Entered, int seq = 1) =>
        new($"vip:{profileId}:{destination}:{seq}", destination, "vip", "VIP customers", profileId, kind, Now);

    /// <summary>Runs pump cycles for the destination until nothing is due (bounded).</summary>
    public async Task DrainAsync(string destination)
    {
        for (var i = 0; i < 100 && await Pump.RunOnceAsync(destination, CancellationToken.None) > 0; i++)
        {
        }
    }

    public QueuedDelivery Row(string id) => Queue.All.Single(r => r.Delivery.Id == id);

    public void Dispose() => Core.Dispose();
}
