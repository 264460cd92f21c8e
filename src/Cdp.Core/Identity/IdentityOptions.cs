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

    /// <summary>
    /// Priority (lower wins) and per-profile limit of each identifier type. A merge that would give a profile more
    /// identifiers of a type than its limit is not done. Types not listed use <see cref="CustomTypeRule"/>.
    /// </summary>
    public Dictionary<string, IdentifierTypeRule> Types { get; set; } = new(StringComparer.Ordinal)
    {
        [IdentifierTypes.UserId] = new() { Priority = 1, Limit = 1 },
        [IdentifierTypes.Email] = new() { Priority = 5, Limit = 5 },
        [IdentifierTypes.Phone] = new() { Priority = 5, Limit = 5 },
        [IdentifierTypes.DeviceId] = new() { Priority = 20, Limit = 20 },
        [IdentifierTypes.AnonymousId] = new() { Priority = 100, Limit = 100 },
    };

    /// <summary>The rule for custom types (crmId, loyaltyId, ...) not listed in <see cref="Types"/>: one per person.</summary>
    public IdentifierTypeRule CustomTypeRule { get; set; } = new() { Priority = 10, Limit = 1 };

    [Range(1, 100_000, ErrorMessage = "Cdp:Identity:MaxIdentifiersPerProfile must be between 1 and 100000")]
    public int MaxIdentifiersPerProfile { get; set; } = 1_000;

    public IdentifierTypeRule RuleFor(string type) => Types.TryGetValue(type, out var rule) ? rule : CustomTypeRule;

    /// <summary>Placeholder values that must never link two people (compared case-insensitively after trimming).</summary>
    public List<string> BlockedValues { get; set; } =
        ["null", "undefined", "none", "nil", "0", "-1", "unknown", "anonymous", "n/a", "na", "test", "test@test.com", "test@example.com", "noreply@example.com", "00000000-0000-0000-0000-000000000000"];
}

/// <summary>How strongly an identifier type identifies a person, and how many of it one person may have.</summary>
public sealed class IdentifierTypeRule
{
    [Range(0, 1_000_000, ErrorMessage = "Cdp:Identity:Types:*:Priority must be between 0 and 1000000")]
    public int Priority { get; set; } = 10;

    [Range(1, 100_000, ErrorMessage = "Cdp:Identity:Types:*:Limit must be between 1 and 100000")]
    public int Limit { get; set; } = 1;
}
