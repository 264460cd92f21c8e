using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Privacy;

/// <summary>
/// How status callbacks are signed and delivered (<see cref="SignedStatusNotifier"/>), bound from <c>Cdp:Privacy</c>
/// beside <see cref="PrivacyOptions"/>. One class for both hosts, so a receiver checks callbacks from either the same way.
/// </summary>
public sealed class PrivacyCallbackOptions
{
    public const string SectionName = "Cdp:Privacy";

    /// <summary>
    /// The HMAC-SHA256 key callbacks are signed with (header <c>X-OpenDSR-Signature</c>), shared with the receivers. A
    /// secret: in Azure a Key Vault reference. Unset: no callback is sent, since an unsigned one could not be trusted (the
    /// local host generates one into its data directory when unset).
    /// </summary>
    [MinLength(16, ErrorMessage = "Cdp:Privacy:CallbackSecret must be at least 16 characters")]
    public string? CallbackSecret { get; set; }

    /// <summary>Sent as <c>X-OpenDSR-Processor-Domain</c>: the domain receivers know this deployment by (its public host name).</summary>
    [Required(ErrorMessage = "Cdp:Privacy:ProcessorDomain is required: the host name receivers know this deployment by")]
    [RegularExpression(@"^[A-Za-z0-9.-]{1,253}$", ErrorMessage = "Cdp:Privacy:ProcessorDomain must be a host name such as cdp.example.com")]
    public string ProcessorDomain { get; set; } = "localhost";

    /// <summary>Tries per callback URL and status change before it is given up (and logged).</summary>
    [Range(1, 10, ErrorMessage = "Cdp:Privacy:CallbackAttempts must be between 1 and 10")]
    public int CallbackAttempts { get; set; } = 4;

    /// <summary>How long one delivery attempt may take.</summary>
    [Range(1, 120, ErrorMessage = "Cdp:Privacy:CallbackTimeoutSeconds must be between 1 and 120")]
    public int CallbackTimeoutSeconds { get; set; } = 10;
}
