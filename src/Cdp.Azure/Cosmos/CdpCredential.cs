using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Cosmos;

/// <summary>
/// The one Entra ID credential Cosmos DB and Blob Storage share, so tokens are cached once. Built on first use:
/// a setup with an emulator key and a connection string never touches it.
/// </summary>
internal sealed class CdpCredential(IOptions<CdpAzureOptions> options)
{
    private readonly Lazy<TokenCredential> _value = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.Value.ManagedIdentityClientId) ? null : options.Value.ManagedIdentityClientId,
    }));

    public TokenCredential Value => _value.Value;
}
