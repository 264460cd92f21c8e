namespace Cdp.Functions.Ingestion;

/// <summary>The hub accepted events travel through: ingest writes to it and processing reads it, so both name it here.</summary>
internal static class EventHub
{
    public const string Name = "events";

    /// <summary>Settings prefix: <c>EventHubConnection__fullyQualifiedNamespace</c> (identity-based, no keys).</summary>
    public const string Connection = "EventHubConnection";
}
