using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Destinations;

/// <summary>
/// How the pump works, bound from <c>Cdp:Delivery</c> (not under <c>Cdp:Destinations</c>, where every child is a
/// destination key).
/// </summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Cdp:Delivery";

    /// <summary>How long a pump holds the deliveries it took: a host killed mid-send has them sent again after this.</summary>
    [Range(5, 3600, ErrorMessage = "Cdp:Delivery:LeaseSeconds must be between 5 and 3600")]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How long one POST to a webhook may take.</summary>
    [Range(1, 120, ErrorMessage = "Cdp:Delivery:TimeoutSeconds must be between 1 and 120")]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The pause before the first retry; each later retry doubles it.</summary>
    [Range(1, 3600, ErrorMessage = "Cdp:Delivery:FirstRetrySeconds must be between 1 and 3600")]
    public int FirstRetrySeconds { get; set; } = 5;

    /// <summary>The longest pause between tries, Retry-After included (a receiver cannot park a delivery for a year).</summary>
    [Range(1, 86400, ErrorMessage = "Cdp:Delivery:MaxRetrySeconds must be between 1 and 86400")]
    public int MaxRetrySeconds { get; set; } = 3600;

    /// <summary>The local pump looks for due deliveries at least this often (retries fall due without a wake-up).</summary>
    [Range(1, 3600, ErrorMessage = "Cdp:Delivery:PollSeconds must be between 1 and 3600")]
    public int PollSeconds { get; set; } = 1;
}
