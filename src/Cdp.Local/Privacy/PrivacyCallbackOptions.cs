using System.ComponentModel.DataAnnotations;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>How status callbacks are signed and delivered, bound from <c>Cdp:Privacy</c> (beside Core's privacy settings).</summary>
public sealed class PrivacyCallbackOptions
{
    public const string SectionName = "Cdp:Privacy";

    /// <summary>
    /// The HMAC-SHA256 key callbacks are signed with (header <c>X-OpenDSR-Signature</c>). Unset on the local host: one is
    /// generated into <c>&lt;DataDirectory&gt;/callback-secret.key</c> (owner-only) and reused; give that file to the receiver.
    /// </summary>
    [MinLength(16, ErrorMessage = "Cdp:Privacy:CallbackSecret must be at least 16 characters")]
    public string? CallbackSecret { get; set; }

    /// <summary>Sent as <c>X-OpenDSR-Processor-Domain</c>: the domain receivers know this deployment by.</summary>
    [RegularExpression(@"^[A-Za-z0-9.-]{1,253}$", ErrorMessage = "Cdp:Privacy:ProcessorDomain must be a host name such as cdp.example.com")]
    public string ProcessorDomain { get; set; } = "localhost";

    /// <summary>Tries per callback URL and status change before it is given up (and logged).</summary>
    [Range(1, 10, ErrorMessage = "Cdp:Privacy:CallbackAttempts must be between 1 and 10")]
    public int CallbackAttempts { get; set; } = 4;

    /// <summary>How long one delivery attempt may take.</summary>
    [Range(1, 120, ErrorMessage = "Cdp:Privacy:CallbackTimeoutSeconds must be between 1 and 120")]
    public int CallbackTimeoutSeconds { get; set; } = 10;
}

/// <summary>
/// Zero-config callbacks: without <c>Cdp:Privacy:CallbackSecret</c> the local host generates a secret once and keeps it in
/// the data directory (as it does the identity pepper), so signatures stay verifiable across restarts.
/// </summary>
public sealed class CallbackSecretFile(IOptions<LocalStoreOptions> storeOptions, ILogger<CallbackSecretFile> logger)
    : IPostConfigureOptions<PrivacyCallbackOptions>
{
    public const string FileName = "callback-secret.key";

    public void PostConfigure(string? name, PrivacyCallbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.CallbackSecret))
        {
            return;
        }

        var path = Path.Combine(storeOptions.Value.ResolveDataDirectory(), FileName);
        options.CallbackSecret = PepperFile.ReadOrCreate(path, out var created);
        if (created)
        {
            logger.LogInformation("Generated the privacy callback signing secret in {SecretPath} (or set Cdp:Privacy:CallbackSecret)", path);
        }
    }
}
