using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Privacy;

/// <summary>How OpenDSR status callbacks are sent, bound from <c>Cdp:Privacy:Callbacks</c>.</summary>
public sealed class PrivacyCallbackOptions
{
    public const string SectionName = "Cdp:Privacy:Callbacks";

    /// <summary>
    /// The HMAC-SHA256 key callbacks are signed with (header <c>X-OpenDSR-Signature</c>), shared with the requesters'
    /// systems. A secret: in Azure a Key Vault reference. Unset: no callback is sent, since an unsigned one cannot be trusted.
    /// </summary>
    [MinLength(32, ErrorMessage = "Cdp:Privacy:Callbacks:SigningKey must be at least 32 characters")]
    public string? SigningKey { get; set; }

    /// <summary>Where this API is reached from outside, e.g. https://cdp.example.com: makes <c>results_url</c> absolute.</summary>
    public Uri? PublicBaseUri { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:02:00", ErrorMessage = "Cdp:Privacy:Callbacks:Timeout must be between 00:00:01 and 00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries per callback URL; a network error, a timeout, 429 or a 5xx answer is tried again.</summary>
    [Range(1, 10, ErrorMessage = "Cdp:Privacy:Callbacks:MaxAttempts must be between 1 and 10")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the second try; it doubles for each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Cdp:Privacy:Callbacks:RetryDelay must be between 00:00:00 and 00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The rule data annotations cannot say: a public base URI must be absolute http(s).</summary>
internal sealed class PrivacyCallbackOptionsValidator : IValidateOptions<PrivacyCallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyCallbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PublicBaseUri is null or { IsAbsoluteUri: true, Scheme: "https" or "http" }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "Cdp:Privacy:Callbacks:PublicBaseUri must be an absolute http(s) URI, e.g. https://cdp.example.com");
    }
}
