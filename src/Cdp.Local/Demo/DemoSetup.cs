using System.Security.Cryptography;
using Cdp.Core.Destinations;

namespace Cdp.Local.Demo;

/// <summary>An example segment: its key, and the body the demo PUTs to <c>/api/segments/{key}</c>.</summary>
public sealed record DemoSegment(string Key, string Body, IReadOnlyList<string> Destinations, string Definition);

/// <summary>What the demo adds to the normal host: its destinations, a fast refresh, and keys made for this run only.</summary>
public sealed class DemoSetup
{
    public const string WebhookDestination = "demo-webhook";
    public const string FileDestination = "demo-file";

    /// <summary>Every 10 s instead of every 5 min, so exits caused by time passing show while the demo runs.</summary>
    public const string RefreshSchedule = "*/10 * * * * *";

    private const string Vip = """{"event":"Order Completed","count":{"gte":2},"within":"P30D","where":[{"property":"total","op":"gt","value":50}]}""";
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";
    private const string Browsers = """{"all":[{"event":"Product Viewed","count":{"gte":3},"within":"P7D"},{"not":{"event":"Order Completed","within":"P7D"}}]}""";

    public static readonly IReadOnlyList<DemoSegment> Segments =
    [
        Segment("vip-customers", "VIP customers", Vip, WebhookDestination),
        Segment("pro-plan", "Pro plan", Pro, WebhookDestination, FileDestination),
        Segment("browsers-not-buyers", "Browsers, not buyers", Browsers, FileDestination),
    ];

    /// <summary>The purpose each destination needs, as configured below.</summary>
    public static readonly IReadOnlyDictionary<string, string> Purposes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [WebhookDestination] = "marketing",
        [FileDestination] = "analytics",
    };

    private DemoSetup(string adminKey, string writeKey, string webhookSecret) =>
        (AdminKey, WriteKey, WebhookSecret) = (adminKey, writeKey, webhookSecret);

    public string AdminKey { get; }

    public string WriteKey { get; }

    /// <summary>Made per run and held in memory only: the host signs with it and the receiver verifies with it.</summary>
    public string WebhookSecret { get; }

    public static DemoSetup Create() => new(
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        WebhookSigner.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>
    /// In-memory settings laid over the host's own (appsettings, environment, command line), never written anywhere. The
    /// mappings send ids, the plan and counts only: what leaves is chosen, and no email leaves.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(string dataDirectory, string url) =>
        new Dictionary<string, string?>
        {
            ["Cdp:Local:DataDirectory"] = dataDirectory,
            ["Cdp:Local:AdminKey"] = AdminKey,
            ["Cdp:Local:DefaultWriteKey"] = WriteKey,
            ["SegmentRefreshSchedule"] = RefreshSchedule,
            ["Cdp:Destinations:demo-webhook:Type"] = DestinationTypes.Webhook,
            ["Cdp:Destinations:demo-webhook:Url"] = url.TrimEnd('/') + DemoWebhookReceiver.Path,
            ["Cdp:Destinations:demo-webhook:Secret"] = WebhookSecret,
            ["Cdp:Destinations:demo-webhook:Purposes:0"] = Purposes[WebhookDestination],
            ["Cdp:Destinations:demo-webhook:Mapping:plan"] = "traits.plan",
            ["Cdp:Destinations:demo-webhook:Mapping:orders"] = "computed.eventCounts.Order Completed",
            ["Cdp:Destinations:demo-file:Type"] = DestinationTypes.File,
            ["Cdp:Destinations:demo-file:Format"] = DestinationFormats.Csv,
            ["Cdp:Destinations:demo-file:Purposes:0"] = Purposes[FileDestination],
            ["Cdp:Destinations:demo-file:Mapping:userId"] = "identifiers.userId",
            ["Cdp:Destinations:demo-file:Mapping:profileId"] = "profileId",
            ["Cdp:Destinations:demo-file:Mapping:plan"] = "traits.plan",
            ["Cdp:Destinations:demo-file:Mapping:productViews"] = "computed.eventCounts.Product Viewed",

            // The story belongs on the console: only the host's warnings and errors join it.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };

    private static DemoSegment Segment(string key, string name, string definition, params string[] destinations) =>
        new(key, $$"""{"name":"{{name}}","definition":{{definition}},"destinations":[{{string.Join(',', destinations.Select(d => $"\"{d}\""))}}]}""",
            destinations, definition);
}
