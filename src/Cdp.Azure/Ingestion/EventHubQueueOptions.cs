using System.ComponentModel.DataAnnotations;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Where ingest sends accepted events, bound from the same <c>EventHubConnection</c> section the Event Hubs trigger
/// reads, so one setting points both at the namespace (<c>EventHubConnection__fullyQualifiedNamespace</c>).
/// </summary>
public sealed class EventHubQueueOptions
{
    public const string SectionName = EventHub.Connection;

    [Required(ErrorMessage = "EventHubConnection:fullyQualifiedNamespace (app setting EventHubConnection__fullyQualifiedNamespace) is required: the Event Hubs namespace host name, e.g. mynamespace.servicebus.windows.net")]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]$", ErrorMessage = "EventHubConnection:fullyQualifiedNamespace must be a host name such as mynamespace.servicebus.windows.net (no scheme, no path, no connection string)")]
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// Client id of the user-assigned identity the trigger signs in with (<c>EventHubConnection__clientId</c>).
    /// When it names another identity than <c>Cdp:Azure:ManagedIdentityClientId</c>, the producer signs in as this one
    /// too, so sending and receiving never need different role assignments.
    /// </summary>
    public string? ClientId { get; set; }
}
