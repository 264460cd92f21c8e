using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Destinations;

/// <summary>
/// Where a mapped field's value comes from: <c>profileId</c>, <c>traits.&lt;name&gt;</c>, <c>identifiers.&lt;type&gt;</c>
/// (the newest identifier of that type) or <c>computed.&lt;name&gt;</c> (<c>eventCount</c>, <c>firstSeen</c>,
/// <c>lastSeen</c>, <c>lastChannel</c>, <c>lastSource</c>, <c>eventCounts.&lt;event&gt;</c>,
/// <c>sums.&lt;event&gt;.&lt;property&gt;</c>: the same names segment conditions use).
/// </summary>
public sealed record FieldSource(string Kind, string Name)
{
    public const string ProfileId = "profileId";
    public const string Traits = "traits";
    public const string Identifiers = "identifiers";
    public const string Computed = "computed";

    private static readonly string[] ComputedNames = ["eventCount", "firstSeen", "lastSeen", "lastChannel", "lastSource"];

    /// <summary>The source <paramref name="text"/> names, or null when it names none.</summary>
    public static FieldSource? Parse(string? text)
    {
        if (text == ProfileId)
        {
            return new FieldSource(ProfileId, string.Empty);
        }

        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0 || dot == text!.Length - 1)
        {
            return null;
        }

        var (kind, name) = (text[..dot], text[(dot + 1)..]);
        return kind switch
        {
            Traits or Identifiers => new FieldSource(kind, name),
            Computed when ComputedNames.Contains(name, StringComparer.Ordinal)
                || name.StartsWith("eventCounts.", StringComparison.Ordinal) && name.Length > 12
                || name.StartsWith("sums.", StringComparison.Ordinal) && name.Length > 5 => new FieldSource(kind, name),
            _ => null,
        };
    }

    /// <summary>The profile's value, or null when it has none (the field is then left out, never sent empty).</summary>
    public JsonElement? Read(Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Kind switch
        {
            ProfileId => Json(profile.Id),
            Traits => profile.Traits.TryGetValue(Name, out var trait) && trait.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                ? trait.Value : null,
            Identifiers => profile.Identifiers.Where(i => i.Type == Name).OrderByDescending(i => i.FirstSeen).FirstOrDefault() is { } identifier
                ? Json(identifier.Value) : null,
            _ => ReadComputed(profile.Computed),
        };
    }

    public override string ToString() => Kind == ProfileId ? ProfileId : $"{Kind}.{Name}";

    private JsonElement? ReadComputed(ComputedTraits computed) => Name switch
    {
        "eventCount" => JsonSerializer.SerializeToElement(computed.EventCount, DestinationJsonContext.Default.Int64),
        "firstSeen" => computed.FirstSeen is { } first ? JsonSerializer.SerializeToElement(first, DestinationJsonContext.Default.DateTimeOffset) : null,
        "lastSeen" => computed.LastSeen is { } last ? JsonSerializer.SerializeToElement(last, DestinationJsonContext.Default.DateTimeOffset) : null,
        "lastChannel" => computed.LastChannel is { } channel ? Json(channel) : null,
        "lastSource" => computed.LastSource is { } source ? Json(source) : null,
        _ when Name.StartsWith("eventCounts.", StringComparison.Ordinal) =>
            JsonSerializer.SerializeToElement(computed.EventCounts.GetValueOrDefault(Name[12..]), DestinationJsonContext.Default.Int64),
        _ => computed.Sums.TryGetValue(Name[5..], out var sum) ? JsonSerializer.SerializeToElement(sum, DestinationJsonContext.Default.Decimal) : null,
    };

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, DestinationJsonContext.Default.String);
}
