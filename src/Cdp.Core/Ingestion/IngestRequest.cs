namespace Cdp.Core.Ingestion;

/// <summary>Which Segment route a request arrived on.</summary>
public enum IngestRoute
{
    Batch,
    Identify,
    Track,
    Page,
    Screen,
    Group,
    Alias,
}

public static class IngestRoutes
{
    /// <summary>Maps the last path segment (<c>/v1/{name}</c>) to a route; null when there is no such route.</summary>
    public static IngestRoute? Parse(string name) => name switch
    {
        "batch" or "import" => IngestRoute.Batch,
        "identify" => IngestRoute.Identify,
        "track" => IngestRoute.Track,
        "page" => IngestRoute.Page,
        "screen" => IngestRoute.Screen,
        "group" => IngestRoute.Group,
        "alias" => IngestRoute.Alias,
        _ => null,
    };

    public static string? EventType(this IngestRoute route) => route switch
    {
        IngestRoute.Identify => EventTypes.Identify,
        IngestRoute.Track => EventTypes.Track,
        IngestRoute.Page => EventTypes.Page,
        IngestRoute.Screen => EventTypes.Screen,
        IngestRoute.Group => EventTypes.Group,
        IngestRoute.Alias => EventTypes.Alias,
        _ => null,
    };
}

/// <summary>An event refused by validation, by its position in the request (0 for single-call routes).</summary>
public sealed record RejectedEvent(int Index, string Reason);
