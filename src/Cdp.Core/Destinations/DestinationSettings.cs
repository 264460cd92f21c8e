namespace Cdp.Core.Destinations;

/// <summary>
/// One destination, bound from <c>Cdp:Destinations:{key}</c> (the key names it in segments, delivery ids and the API).
/// Checked at start-up by <see cref="DestinationsOptionsValidator"/>.
/// </summary>
public sealed class DestinationSettings
{
    /// <summary>One of <see cref="DestinationTypes"/>.</summary>
    public string? Type { get; set; }

    /// <summary>Webhook only: where batches are POSTed (absolute http or https).</summary>
    public string? Url { get; set; }

    /// <summary>
    /// Webhook only: the Standard Webhooks signing secret, <c>whsec_</c> followed by the base64 key. A secret: never
    /// logged, never answered by the API; in Azure a Key Vault reference.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Consent purposes a profile must have granted, all of them, to be sent (at least one).</summary>
    public List<string> Purposes { get; set; } = [];

    /// <summary>
    /// Output field name → source (<see cref="FieldSource"/>): <c>traits.plan</c>, <c>identifiers.email</c>,
    /// <c>profileId</c>, <c>computed.lastSeen</c>. Empty: <see cref="FieldMapping.Default"/> (userId and email only), so a
    /// destination receives no trait nobody chose to send.
    /// </summary>
    public Dictionary<string, string> Mapping { get; set; } = new(StringComparer.Ordinal);

    /// <summary>File only: one of <see cref="DestinationFormats"/>.</summary>
    public string Format { get; set; } = DestinationFormats.Csv;

    /// <summary>Tries per delivery before it is dead-lettered with the last reason.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Webhook only: events per POST.</summary>
    public int BatchSize { get; set; } = 100;
}

public static class DestinationTypes
{
    public const string Webhook = "webhook";
    public const string File = "file";
}

public static class DestinationFormats
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";
}

/// <summary>The configured destinations: <c>Cdp:Destinations</c> is a dictionary keyed by destination key.</summary>
public sealed class DestinationsOptions
{
    public const string SectionName = "Cdp:Destinations";

    public Dictionary<string, DestinationSettings> Destinations { get; } = new(StringComparer.Ordinal);
}
