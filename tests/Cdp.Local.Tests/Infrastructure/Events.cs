using System.Text.Json.Nodes;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>Builders for Segment calls as SDKs send them.</summary>
internal static class Events
{
    public static JsonObject Identify(string userId, string? email = null, string? messageId = null, string? plan = null)
    {
        var traits = new JsonObject();
        if (email is not null)
        {
            traits["email"] = email;
        }

        if (plan is not null)
        {
            traits["plan"] = plan;
        }

        return Call("identify", userId, messageId, new JsonObject { ["traits"] = traits });
    }

    public static JsonObject Track(string userId, string name, string? messageId = null) =>
        Call("track", userId, messageId, new JsonObject { ["event"] = name, ["properties"] = new JsonObject { ["revenue"] = 9.5 } });

    public static JsonObject Page(string userId, string? messageId = null) =>
        Call("page", userId, messageId, new JsonObject { ["name"] = "Home" });

    public static string Batch(params JsonObject[] items) => new JsonObject { ["batch"] = new JsonArray(items) }.ToJsonString();

    /// <summary>A single-route body: the same call without its type (the route says it).</summary>
    public static string Single(JsonObject call)
    {
        var copy = (JsonObject)call.DeepClone();
        copy.Remove("type");
        return copy.ToJsonString();
    }

    private static JsonObject Call(string type, string userId, string? messageId, JsonObject fields)
    {
        var call = new JsonObject { ["type"] = type, ["userId"] = userId };
        if (messageId is not null)
        {
            call["messageId"] = messageId;
        }

        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            call[key] = value;
        }

        return call;
    }
}
