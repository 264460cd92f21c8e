using System.ComponentModel.DataAnnotations;

namespace Cdp.Azure;

/// <summary>
/// Where the Azure stores live, bound from <c>Cdp:Azure</c>. In Azure no key is set: the app signs in with
/// <c>DefaultAzureCredential</c> (its managed identity); keys and connection strings are for emulators only.
/// </summary>
public sealed class CdpAzureOptions
{
    public const string SectionName = "Cdp:Azure";

    /// <summary>Blob container names: 3–63 lower-case letters, digits and single hyphens.</summary>
    private const string BlobContainerPattern = "^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$";

    [Required(ErrorMessage = "Cdp:Azure:CosmosEndpoint is required: the Cosmos DB account endpoint, e.g. https://myaccount.documents.azure.com:443/")]
    public Uri? CosmosEndpoint { get; set; }

    /// <summary>Account key, for the Cosmos DB emulator or a dev account only; unset in Azure.</summary>
    public string? CosmosKey { get; set; }

    /// <summary>Direct mode by default; gateway mode for the Linux emulator or networks that only allow HTTPS.</summary>
    public bool CosmosGatewayMode { get; set; }

    /// <summary>Client id of the user-assigned managed identity to sign in with; unset for the system-assigned one or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    [Required(ErrorMessage = "Cdp:Azure:DatabaseName is required (default cdp)")]
    [StringLength(255, MinimumLength = 1, ErrorMessage = "Cdp:Azure:DatabaseName must be 1 to 255 characters")]
    public string DatabaseName { get; set; } = "cdp";

    /// <summary>Blob service endpoint, signed in with the managed identity. Set this or <see cref="BlobConnectionString"/>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Connection string for Azurite or a dev account, e.g. <c>UseDevelopmentStorage=true</c>.</summary>
    public string? BlobConnectionString { get; set; }

    [Required(ErrorMessage = "Cdp:Azure:ProfilesContainer is required (default profiles)")]
    public string ProfilesContainer { get; set; } = "profiles";

    [Required(ErrorMessage = "Cdp:Azure:IdentitiesContainer is required (default identities)")]
    public string IdentitiesContainer { get; set; } = "identities";

    [Required(ErrorMessage = "Cdp:Azure:EventsContainer is required (default events)")]
    public string EventsContainer { get; set; } = "events";

    [Required(ErrorMessage = "Cdp:Azure:SegmentsContainer is required (default segments)")]
    public string SegmentsContainer { get; set; } = "segments";

    /// <summary>The segment members index (pk <c>/segmentKey</c>): counts and member listings of each segment.</summary>
    [Required(ErrorMessage = "Cdp:Azure:SegmentMembersContainer is required (default segmentMembers)")]
    public string SegmentMembersContainer { get; set; } = "segmentMembers";

    [Required(ErrorMessage = "Cdp:Azure:PrivacyContainer is required (default privacy)")]
    public string PrivacyContainer { get; set; } = "privacy";

    /// <summary>The export ledger (pk <c>/profileId</c>): what was sent where, read by profile on erasure and access.</summary>
    [Required(ErrorMessage = "Cdp:Azure:ExportLedgerContainer is required (default exports)")]
    public string ExportLedgerContainer { get; set; } = "exports";

    /// <summary>The delivery queue (pk <c>/destination</c>): audience deliveries waiting, sent, dead-lettered.</summary>
    [Required(ErrorMessage = "Cdp:Azure:DeliveriesContainer is required (default deliveries)")]
    public string DeliveriesContainer { get; set; } = "deliveries";

    /// <summary>Processed messageIds (pk <c>/id</c>); the container needs TTL on (default -1) so entries expire.</summary>
    [Required(ErrorMessage = "Cdp:Azure:DedupContainer is required (default dedup)")]
    public string DedupContainer { get; set; } = "dedup";

    [Required(ErrorMessage = "Cdp:Azure:RawEventsBlobContainer is required (default raw-events)")]
    [RegularExpression(BlobContainerPattern, ErrorMessage = "Cdp:Azure:RawEventsBlobContainer must be 3-63 lower-case letters, digits and single hyphens")]
    public string RawEventsBlobContainer { get; set; } = "raw-events";

    [Required(ErrorMessage = "Cdp:Azure:ExportsBlobContainer is required (default exports)")]
    [RegularExpression(BlobContainerPattern, ErrorMessage = "Cdp:Azure:ExportsBlobContainer must be 3-63 lower-case letters, digits and single hyphens")]
    public string ExportsBlobContainer { get; set; } = "exports";

    [Required(ErrorMessage = "Cdp:Azure:AccessPackagesBlobContainer is required (default access-packages)")]
    [RegularExpression(BlobContainerPattern, ErrorMessage = "Cdp:Azure:AccessPackagesBlobContainer must be 3-63 lower-case letters, digits and single hyphens")]
    public string AccessPackagesBlobContainer { get; set; } = "access-packages";

    [Required(ErrorMessage = "Cdp:Azure:CertificatesBlobContainer is required (default certificates)")]
    [RegularExpression(BlobContainerPattern, ErrorMessage = "Cdp:Azure:CertificatesBlobContainer must be 3-63 lower-case letters, digits and single hyphens")]
    public string CertificatesBlobContainer { get; set; } = "certificates";

    /// <summary>Event Hub messages that can never be processed, with their reason (one JSON blob each).</summary>
    [Required(ErrorMessage = "Cdp:Azure:DeadLettersBlobContainer is required (default dead-letters)")]
    [RegularExpression(BlobContainerPattern, ErrorMessage = "Cdp:Azure:DeadLettersBlobContainer must be 3-63 lower-case letters, digits and single hyphens")]
    public string DeadLettersBlobContainer { get; set; } = "dead-letters";
}
