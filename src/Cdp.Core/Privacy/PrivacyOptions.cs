using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Privacy;

/// <summary>Privacy request settings, bound from <c>Cdp:Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Cdp:Privacy";

    /// <summary>The OpenDSR <c>controller_id</c> this deployment answers as.</summary>
    [Required(ErrorMessage = "Cdp:Privacy:ControllerId is required: the controller id reported to OpenDSR clients")]
    [MinLength(1, ErrorMessage = "Cdp:Privacy:ControllerId must not be empty")]
    public string ControllerId { get; set; } = "cdp";

    /// <summary>Days promised for a GDPR request (Art. 12(3): one month).</summary>
    [Range(1, 90, ErrorMessage = "Cdp:Privacy:GdprResponseDays must be between 1 and 90")]
    public int GdprResponseDays { get; set; } = 30;

    /// <summary>Days promised for a CCPA request (§1798.130: 45 days).</summary>
    [Range(1, 90, ErrorMessage = "Cdp:Privacy:CcpaResponseDays must be between 1 and 90")]
    public int CcpaResponseDays { get; set; } = 45;

    /// <summary>How many times the resolve-delete-verify round runs before an erasure that still finds traces fails.</summary>
    [Range(1, 10, ErrorMessage = "Cdp:Privacy:MaxErasureRounds must be between 1 and 10")]
    public int MaxErasureRounds { get; set; } = 3;
}
