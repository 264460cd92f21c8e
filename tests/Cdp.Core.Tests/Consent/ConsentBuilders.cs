using System.Text.Json.Nodes;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Consent;

internal static class ConsentBuilders
{
    /// <summary>Segment's consent object: <c>context.consent.categoryPreferences</c>.</summary>
    public static EventBuilder Preferences(this EventBuilder e, params (string Purpose, JsonNode? Answer)[] answers)
    {
        var preferences = new JsonObject();
        foreach (var (purpose, answer) in answers)
        {
            preferences[purpose] = answer;
        }

        return e.Context("consent", new JsonObject { ["categoryPreferences"] = preferences });
    }

    public static Profile ProfileWith(string id, params (string Purpose, bool Granted, DateTimeOffset At, string Source)[] answers)
    {
        var profile = new Profile { Id = id, CreatedAt = TestOptions.Now, UpdatedAt = TestOptions.Now };
        foreach (var (purpose, granted, at, source) in answers)
        {
            profile.Consent[purpose] = new ConsentState(granted, at, source);
            profile.ConsentHistory.Add(new ConsentHistoryEntry(purpose, granted, at, source));
        }

        return profile;
    }
}
