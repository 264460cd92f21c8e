using System.Globalization;
using System.Text.RegularExpressions;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// The sources allowed to post events, bound from the <c>Cdp</c> section's <c>Sources</c> list, e.g.
/// <c>Cdp__Sources__0__Id=web</c>, <c>Cdp__Sources__0__Name=Website</c>,
/// <c>Cdp__Sources__0__WriteKeySha256=&lt;sha256 hex of the key&gt;</c> (<c>printf %s "$KEY" | sha256sum</c>), and
/// optionally <c>Cdp__Sources__0__AllowedOrigins__0=https://shop.example</c>.
/// With no sources every ingest request is answered 401.
/// </summary>
public sealed class SourceDirectoryOptions
{
    public const string SectionName = "Cdp";

    public List<SourceRegistration> Sources { get; set; } = [];
}

/// <summary>One source: its id and display name, and the SHA-256 (hex) of its write key, never the key itself.</summary>
public sealed class SourceRegistration
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string WriteKeySha256 { get; set; } = string.Empty;

    /// <summary>
    /// Web origins (<c>https://shop.example</c>) whose pages may send events with this key; a page on any other origin
    /// gets 403 and nothing is stored. Empty or <c>*</c>: any origin. Requests without an <c>Origin</c> header (server
    /// SDKs) are not affected.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

internal sealed partial class SourceDirectoryOptionsValidator : IValidateOptions<SourceDirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, SourceDirectoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Cdp:Sources:{i}");
            if (string.IsNullOrWhiteSpace(source.Id))
            {
                failures.Add($"{at}:Id is required");
            }
            else if (!ids.Add(source.Id))
            {
                failures.Add($"{at}:Id '{source.Id}' is listed twice");
            }

            if (!Sha256Hex().IsMatch(source.WriteKeySha256))
            {
                failures.Add($"{at}:WriteKeySha256 must be the SHA-256 of the write key as 64 hex characters (printf %s \"$KEY\" | sha256sum), never the key itself");
            }
            else if (!hashes.Add(source.WriteKeySha256))
            {
                failures.Add($"{at}:WriteKeySha256 is the same key as another source's; each source needs its own write key");
            }

            failures.AddRange(SourceOrigins.Problems(source.AllowedOrigins, $"{at}:AllowedOrigins"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
