using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Identity;

/// <summary>Identity settings, bound from <c>Cdp:Identity</c>.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Cdp:Identity";

    /// <summary>The per-deployment secret mixed into every identifier hash. Never commit one.</summary>
    [Required(ErrorMessage = "Cdp:Identity:Pepper is required: a secret of at least 16 characters used to hash identifiers")]
    [MinLength(16, ErrorMessage = "Cdp:Identity:Pepper must be at least 16 characters")]
    public string Pepper { get; set; } = string.Empty;

    /// <summary>Region assumed for phone numbers written without a country code (ISO 3166 alpha-2).</summary>
    [RegularExpression("^[A-Z]{2}$", ErrorMessage = "Cdp:Identity:DefaultPhoneRegion must be a two-letter upper-case region code such as US or GB")]
    public string DefaultPhoneRegion { get; set; } = "US";

    /// <summary>Custom identifier types accepted from <c>context.externalIds[].type</c>.</summary>
    public List<string> CustomTypes { get; set; } = ["crmId", "loyaltyId"];

    /// <summary>Placeholder values that must never link two people (compared case-insensitively after trimming).</summary>
    public List<string> BlockedValues { get; set; } =
        ["null", "undefined", "none", "nil", "0", "-1", "unknown", "anonymous", "n/a", "na", "test", "test@test.com", "test@example.com", "noreply@example.com", "00000000-0000-0000-0000-000000000000"];
}
