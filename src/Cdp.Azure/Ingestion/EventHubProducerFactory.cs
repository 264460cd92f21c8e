using Azure.Core;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Cdp.Azure.Cosmos;

namespace Cdp.Azure.Ingestion;

/// <summary>Builds the application's single <see cref="EventHubProducerClient"/> (it holds one AMQP connection; one per process).</summary>
internal static class EventHubProducerFactory
{
    /// <summary>
    /// A client waits for each send, so the SDK's defaults (a minute per try, three retries) would hold a request for
    /// minutes; a short try and two retries answer 503 while the client's own timeout still allows a retry.
    /// </summary>
    private static readonly EventHubsRetryOptions Retry = new()
    {
        Mode = EventHubsRetryMode.Exponential,
        MaximumRetries = 2,
        Delay = TimeSpan.FromMilliseconds(500),
        MaximumDelay = TimeSpan.FromSeconds(2),
        TryTimeout = TimeSpan.FromSeconds(10),
    };

    public static EventHubProducerClient Create(EventHubQueueOptions hub, CdpAzureOptions azure, CdpCredential credential)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(azure);
        ArgumentNullException.ThrowIfNull(credential);
        var options = new EventHubProducerClientOptions { RetryOptions = Retry };
        if (!string.IsNullOrWhiteSpace(hub.ConnectionString))
        {
            return new EventHubProducerClient(hub.ConnectionString, EventHub.Name, options);
        }

        var fullyQualifiedNamespace = hub.FullyQualifiedNamespace
            ?? throw new InvalidOperationException("EventHubConnection:fullyQualifiedNamespace is required");
        return new EventHubProducerClient(
            fullyQualifiedNamespace,
            EventHub.Name,
            CredentialFor(hub, azure, credential),
            options);
    }

    /// <summary>
    /// The shared credential (one token cache) unless the trigger's setting names another user-assigned identity:
    /// then that one, so the producer has exactly the rights the trigger's identity was given.
    /// </summary>
    private static TokenCredential CredentialFor(EventHubQueueOptions hub, CdpAzureOptions azure, CdpCredential credential) =>
        string.IsNullOrWhiteSpace(hub.ClientId) || string.Equals(hub.ClientId, azure.ManagedIdentityClientId, StringComparison.OrdinalIgnoreCase)
            ? credential.Value
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = hub.ClientId });
}
