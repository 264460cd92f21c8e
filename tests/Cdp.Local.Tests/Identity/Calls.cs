using System.Text.Json.Nodes;

namespace Cdp.Local.Tests.Identity;

/// <summary>Segment calls carrying the identifiers identity resolution works on (userId, anonymousId, email), as SDKs send them.</summary>
internal static class Calls
{
    /// <summary>An anonymous page view, as a web tag sends it before the visitor logs in.</summary>
    public static JsonObject Page(string anonymousId, string messageId, string name = "Home") => new()
    {
        ["type"] = "page",
        ["anonymousId"] = anonymousId,
        ["messageId"] = messageId,
        ["name"] = name,
    };

    /// <summary>An identify; <paramref name="anonymousId"/> links the device the user logged in on.</summary>
    public static JsonObject Identify(string userId, string messageId, string? email = null, string? anonymousId = null)
    {
        var call = new JsonObject { ["type"] = "identify", ["userId"] = userId, ["messageId"] = messageId };
        if (anonymousId is not null)
        {
            call["anonymousId"] = anonymousId;
        }

        if (email is not null)
        {
            call["traits"] = new JsonObject { ["email"] = email };
        }

        return call;
    }

    /// <summary>A track call carrying both the userId and the device's anonymousId: it ties the two together.</summary>
    public static JsonObject Track(string userId, string anonymousId, string messageId, string name = "Signed In") => new()
    {
        ["type"] = "track",
        ["userId"] = userId,
        ["anonymousId"] = anonymousId,
        ["messageId"] = messageId,
        ["event"] = name,
    };

    public static string Batch(params JsonObject[] calls) => new JsonObject { ["batch"] = new JsonArray(calls) }.ToJsonString();
}
