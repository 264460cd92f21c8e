using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>Where clients reach this host, bound from <c>Cdp:PublicUrl</c>.</summary>
public sealed class PublicUrlOptions
{
    public const string SectionName = "Cdp";

    /// <summary>
    /// The host's public base URL (<c>https://cdp.example.com</c>, or with a path when behind a proxy that adds one),
    /// written into the source settings browsers load, so their tags post events back here. When not set, the
    /// request's own scheme and host are used: fine for direct access, wrong behind a proxy that rewrites them.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The configured URL as an absolute URI, or null when none is set (validated at start-up).</summary>
    public Uri? GetBaseUri() => string.IsNullOrWhiteSpace(PublicUrl) ? null : new Uri(PublicUrl.Trim(), UriKind.Absolute);
}

internal sealed class PublicUrlOptionsValidator : IValidateOptions<PublicUrlOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicUrlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return ValidateOptionsResult.Success;
        }

        return Uri.TryCreate(options.PublicUrl.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Cdp:PublicUrl ('{options.PublicUrl}') must be this host's public base URL, such as https://cdp.example.com: http or https, with no query, fragment or user name");
    }
}
