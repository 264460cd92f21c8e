using Cdp.Core.Privacy;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>
/// Zero-config callbacks: without <c>Cdp:Privacy:CallbackSecret</c> the local host generates a secret once and keeps it in
/// the data directory (as it does the identity pepper), so signatures stay verifiable across restarts. Give that file
/// (<c>&lt;DataDirectory&gt;/callback-secret.key</c>, owner-only) to the receiver. Azure has no such default: there the
/// secret is a Key Vault reference, and without one no callback is sent.
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
