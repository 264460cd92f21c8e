using Cdp.Core.Events;

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
    /// <summary>
    /// Maps the last path segment (<c>/v1/{name}</c>) to a route; null when there is no such route. The one-letter
    /// names are the ones the browser and mobile SDKs post to (analytics-next sends each call to
    /// <c>{apiHost}/{first letter of its type}</c>, and a batch to <c>{apiHost}/b</c>); they follow the same rules.
    /// </summary>
    public static IngestRoute? Parse(string name) => name switch
    {
        "batch" or "import" or "b" => IngestRoute.Batch,
        "identify" or "i" => IngestRoute.Identify,
        "track" or "t" => IngestRoute.Track,
        "page" or "p" => IngestRoute.Page,
        "screen" or "s" => IngestRoute.Screen,
        "group" or "g" => IngestRoute.Group,
        "alias" or "a" => IngestRoute.Alias,
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
