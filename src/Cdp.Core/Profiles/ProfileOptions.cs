namespace Cdp.Core.Profiles;

/// <summary>Profile survivorship and computed-trait settings, bound from <c>Cdp:Profiles</c>.</summary>
public sealed class ProfileOptions
{
    public const string SectionName = "Cdp:Profiles";

    /// <summary>Traits that keep the first value ever seen (e.g. first UTM source) instead of the latest.</summary>
    public List<string> FirstValueTraits { get; set; } = [];

    /// <summary>
    /// Source ids from most to least trusted. A trait set by a more trusted source is not overwritten by a less
    /// trusted one; sources not listed rank below all listed ones. Empty: the latest update wins.
    /// </summary>
    public List<string> SourcePriority { get; set; } = [];

    /// <summary>Numeric properties summed per event name on ingest.</summary>
    public List<SumRule> Sums { get; set; } = [new() { Event = "Order Completed", Property = "revenue" }];
}

/// <summary>Sum <see cref="Property"/> of every <see cref="Event"/> track call.</summary>
public sealed class SumRule
{
    public string Event { get; set; } = string.Empty;
    public string Property { get; set; } = string.Empty;

    public string Key => Event + "." + Property;
}
