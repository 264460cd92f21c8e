using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;

namespace Cdp.Core.Destinations;

/// <summary>One field as it leaves: output name and value.</summary>
public sealed record MappedField(string Name, JsonElement Value)
{
    /// <summary>The value as a CSV cell: strings as they are, anything else as its JSON text.</summary>
    public string Text => Value.ValueKind == JsonValueKind.String ? Value.GetString()! : Value.GetRawText();
}

/// <summary>
/// A destination's mapping, parsed once: what leaves for a profile is exactly these fields, nothing else. The output
/// order is the output names' ordinal order, so files and bodies do not depend on configuration order.
/// </summary>
public sealed class FieldMapping
{
    /// <summary>
    /// What a destination without a <c>Mapping</c> receives: the user id and the email address. Enough for a receiver to
    /// match the person; any other trait leaves only when someone mapped it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Default = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [IdentifierTypes.UserId] = $"{FieldSource.Identifiers}.{IdentifierTypes.UserId}",
        [IdentifierTypes.Email] = $"{FieldSource.Identifiers}.{IdentifierTypes.Email}",
    };

    private readonly List<(string Name, FieldSource Source)> _fields;

    public FieldMapping(IReadOnlyDictionary<string, string> mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var effective = mapping.Count == 0 ? Default : mapping;
        _fields = effective
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => (m.Key, FieldSource.Parse(m.Value) ?? throw new ArgumentException($"\"{m.Value}\" is not a field source", nameof(mapping))))
            .ToList();
    }

    /// <summary>The output names, in output order (CSV header).</summary>
    public IReadOnlyList<string> Names => _fields.Select(f => f.Name).ToList();

    /// <summary>The profile's mapped fields that have a value.</summary>
    public IReadOnlyList<MappedField> Read(Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var fields = new List<MappedField>(_fields.Count);
        foreach (var (name, source) in _fields)
        {
            if (source.Read(profile) is { } value)
            {
                fields.Add(new MappedField(name, value));
            }
        }

        return fields;
    }
}
