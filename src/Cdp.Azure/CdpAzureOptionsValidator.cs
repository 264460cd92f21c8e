using Microsoft.Extensions.Options;

namespace Cdp.Azure;

/// <summary>The rules data annotations cannot say: which settings go together.</summary>
internal sealed class CdpAzureOptionsValidator : IValidateOptions<CdpAzureOptions>
{
    public ValidateOptionsResult Validate(string? name, CdpAzureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CosmosEndpoint is { IsAbsoluteUri: false })
        {
            failures.Add("Cdp:Azure:CosmosEndpoint must be an absolute URI, e.g. https://myaccount.documents.azure.com:443/");
        }

        var hasUri = options.BlobServiceUri is not null;
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.BlobConnectionString);
        if (hasUri == hasConnectionString)
        {
            // Both set is as wrong as neither: which account the archive lands in must not be a guess.
            failures.Add(hasUri
                ? "Set only one of Cdp:Azure:BlobServiceUri and Cdp:Azure:BlobConnectionString, not both"
                : "Cdp:Azure:BlobServiceUri (e.g. https://myaccount.blob.core.windows.net) or Cdp:Azure:BlobConnectionString (e.g. UseDevelopmentStorage=true for Azurite) is required");
        }
        else if (options.BlobServiceUri is { IsAbsoluteUri: false })
        {
            failures.Add("Cdp:Azure:BlobServiceUri must be an absolute URI, e.g. https://myaccount.blob.core.windows.net");
        }

        var containers = new[]
        {
            options.ProfilesContainer, options.IdentitiesContainer, options.EventsContainer,
            options.SegmentsContainer, options.SegmentMembersContainer, options.PrivacyContainer, options.DedupContainer, options.ExportLedgerContainer,
            options.DeliveriesContainer,
        };
        if (containers.Distinct(StringComparer.Ordinal).Count() != containers.Length)
        {
            // Two ports sharing one container would read each other's documents as their own.
            failures.Add("Cdp:Azure:*Container settings must name nine different Cosmos DB containers");
        }

        var blobContainers = new[]
        {
            options.RawEventsBlobContainer, options.ExportsBlobContainer, options.AccessPackagesBlobContainer,
            options.CertificatesBlobContainer, options.DeadLettersBlobContainer,
        };
        if (blobContainers.Distinct(StringComparer.Ordinal).Count() != blobContainers.Length)
        {
            // Erasure deletes whole files by area: a certificate must never sit where exports are cleaned up.
            failures.Add("Cdp:Azure:*BlobContainer settings must name five different blob containers");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
