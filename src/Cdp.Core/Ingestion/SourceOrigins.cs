namespace Cdp.Core.Ingestion;

/// <summary>
/// The one spelling of a web origin used to compare a source's allowed origins with a request's <c>Origin</c>
/// header, and the rule each host's settings are validated against (local default source, Azure's source list).
/// </summary>
public static class SourceOrigins
{
    /// <summary>Configured instead of a list, it means any origin: the same as leaving the list empty.</summary>
    public const string Any = "*";

    /// <summary>
    /// <c>scheme://host[:port]</c> in lower case without a default port or trailing slash, as browsers send it; null
    /// when <paramref name="value"/> is not an http(s) origin (a path, query or user info makes it a URL, not an origin).
    /// </summary>
    public static string? Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim().TrimEnd('/');
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    /// <summary>
    /// The configured list as a source holds it: normalized, duplicates removed, and empty when it allows any origin.
    /// Callers validate first (<see cref="Problems"/>); an entry that is not an origin is dropped here.
    /// </summary>
    public static IReadOnlyList<string> FromSettings(IEnumerable<string>? configured)
    {
        var values = configured?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList() ?? [];
        if (values.Count == 0 || values.Contains(Any))
        {
            return [];
        }

        return [.. values.Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    /// <summary>One message per entry that is neither <see cref="Any"/> nor an origin, naming the setting.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<string>? configured, string settingPrefix)
    {
        if (configured is null)
        {
            yield break;
        }

        for (var i = 0; i < configured.Count; i++)
        {
            var value = configured[i];
            if (string.IsNullOrWhiteSpace(value) || (value.Trim() != Any && Normalize(value) is null))
            {
                yield return $"{settingPrefix}:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)} ('{value}') must be an origin such as https://shop.example (scheme, host and port only) or *";
            }
        }
    }
}
