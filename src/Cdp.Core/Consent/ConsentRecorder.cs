using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Consent;

/// <summary>One answer for one purpose, from an event or the consent API.</summary>
public sealed record ConsentAnswer(string Purpose, bool Granted, DateTimeOffset At, string Source, string? MessageId = null);

/// <summary>What recording an answer did.</summary>
public enum ConsentOutcome
{
    /// <summary>The answer changed (or first set) the purpose; a history entry was added.</summary>
    Changed,

    /// <summary>A newer answer repeating the current one: its time and source are kept, the history is not.</summary>
    Confirmed,

    /// <summary>The profile already holds a newer answer (an older event processed late): nothing changes.</summary>
    Stale,
}

/// <summary>Records consent answers on a profile: the newest answer per purpose wins, every change is kept in the history.</summary>
public sealed partial class ConsentRecorder(ConsentPolicy policy, ILogger<ConsentRecorder> logger)
{
    /// <summary>
    /// Applies <paramref name="answer"/> if it is newer than the purpose's current one. At the same instant a
    /// denial beats a grant, as in merges. <see cref="ConsentAnswer.Purpose"/> must already be resolved.
    /// </summary>
    public static ConsentOutcome Record(Profile profile, ConsentAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(answer);
        if (profile.Consent.TryGetValue(answer.Purpose, out var current))
        {
            if (answer.At < current.UpdatedAt || (answer.At == current.UpdatedAt && (answer.Granted || !current.Granted)))
            {
                return ConsentOutcome.Stale;
            }

            if (answer.Granted == current.Granted)
            {
                // Consent tools send the full preferences on every event; repeating them is not a change.
                profile.Consent[answer.Purpose] = new ConsentState(answer.Granted, answer.At, answer.Source);
                return ConsentOutcome.Confirmed;
            }
        }

        profile.Consent[answer.Purpose] = new ConsentState(answer.Granted, answer.At, answer.Source);
        profile.ConsentHistory.Add(new ConsentHistoryEntry(answer.Purpose, answer.Granted, answer.At, answer.Source, answer.MessageId));
        return ConsentOutcome.Changed;
    }

    /// <summary>
    /// Records <c>context.consent.categoryPreferences</c> (Segment's consent object: purpose → boolean).
    /// Unknown purposes and non-boolean answers are skipped, and logged at Debug with the reason.
    /// </summary>
    public void RecordFromEvent(Profile profile, SegmentEvent e, DateTimeOffset at, string source)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        if (e.Context?.TryGetValue("consent", out var consent) != true
            || consent.ValueKind != JsonValueKind.Object
            || !consent.TryGetProperty("categoryPreferences", out var preferences))
        {
            return;
        }

        if (preferences.ValueKind != JsonValueKind.Object)
        {
            LogNotAnObject(logger, e.MessageId);
            return;
        }

        foreach (var property in preferences.EnumerateObject())
        {
            if (policy.Resolve(property.Name) is not { } purpose)
            {
                LogSkipped(logger, e.MessageId, Loggable(property.Name), "not a configured purpose");
                continue;
            }

            if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                LogSkipped(logger, e.MessageId, purpose, $"a {property.Value.ValueKind} where true or false belongs");
                continue;
            }

            Record(profile, new ConsentAnswer(purpose, property.Value.GetBoolean(), at, source, e.MessageId));
        }
    }

    /// <summary>Keys come from clients: log them only when they look like names (never, say, an email address).</summary>
    private static string Loggable(string key) => ConsentOptionsValidator.IsName(key) ? key : "(not a name)";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId}: context.consent.categoryPreferences is not an object; ignored")]
    private static partial void LogNotAnObject(ILogger logger, string? messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId}: consent for {Purpose} ignored: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string? messageId, string purpose, string reason);
}
