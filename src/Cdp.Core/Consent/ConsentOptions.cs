using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Consent;

/// <summary>Consent settings, bound from <c>Cdp:Consent</c>.</summary>
public sealed class ConsentOptions
{
    public const string SectionName = "Cdp:Consent";

    public const string Analytics = "analytics";
    public const string Marketing = "marketing";
    public const string Personalization = "personalization";
    public const string SaleOfData = "sale_of_data";

    /// <summary>The purposes every deployment has, whatever is configured.</summary>
    public static readonly IReadOnlyList<string> BuiltInPurposes = [Analytics, Marketing, Personalization, SaleOfData];

    /// <summary>
    /// Purposes a profile can hold an answer for. Configured names are added to the built-in four (which stay
    /// even if the list is overridden). Names match case-insensitively and keep the spelling given here.
    /// </summary>
    [MaxLength(100, ErrorMessage = "Cdp:Consent:Purposes may list at most 100 purposes")]
    public List<string> Purposes { get; set; } = [.. BuiltInPurposes];

    /// <summary>
    /// Other names for a purpose, as consent tools send them (e.g. Segment's "Advertising" or OneTrust's "C0004"
    /// for marketing). Used for <c>context.consent.categoryPreferences</c> keys and the consent API alike.
    /// </summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
