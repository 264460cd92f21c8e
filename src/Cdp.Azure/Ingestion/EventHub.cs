namespace Cdp.Azure.Ingestion;

/// <summary>
/// The hub accepted events travel through. Ingest sends to it (<see cref="EventHubEventQueue"/>) and the Functions
/// trigger reads it; both name it here, so the producer and the trigger attribute cannot drift apart.
/// </summary>
public static class EventHub
{
    /// <summary>The hub's name; a constant because the trigger attribute needs one.</summary>
    public const string Name = "events";

    /// <summary>
    /// Settings prefix shared by the trigger and the producer: <c>EventHubConnection__fullyQualifiedNamespace</c>
    /// (identity-based, no keys) and optionally <c>EventHubConnection__clientId</c>.
    /// </summary>
    public const string Connection = "EventHubConnection";
}
