using System.Text.Json.Serialization;
using Cdp.Core.Profiles;

namespace Cdp.Core.Consent;

/// <summary>
/// A profile's consent as the API shows it: every configured purpose (unanswered ones as not granted, without a
/// time or source), and every change, oldest first: those moved out of the document (see
/// <see cref="ConsentHistoryArchiver"/>) and those still in it.
/// </summary>
public sealed record ConsentView(
    string ProfileId,
    Dictionary<string, PurposeConsent> Purposes,
    IReadOnlyList<ConsentHistoryEntry> History)
{
    /// <summary>On an update: purposes whose answer was older than the one on file, and so not applied.</summary>
    public IReadOnlyList<string>? Stale { get; init; }

    /// <summary>The view of <paramref name="profile"/>, its history read whole (archived changes and the document's).</summary>
    public static async Task<ConsentView> OfAsync(Profile profile, ConsentPolicy policy, ConsentHistoryArchiver history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Of(profile, policy, await history.FullHistoryAsync(profile, cancellationToken));
    }

    private static ConsentView Of(Profile profile, ConsentPolicy policy, IReadOnlyList<ConsentHistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(policy);
        var purposes = new Dictionary<string, PurposeConsent>(StringComparer.Ordinal);
        foreach (var purpose in policy.Purposes.Concat(profile.Consent.Keys))
        {
            purposes.TryAdd(purpose, profile.Consent.TryGetValue(purpose, out var state)
                ? new PurposeConsent(state.Granted, state.UpdatedAt, state.Source)
                : new PurposeConsent(false, null, null));
        }

        return new ConsentView(profile.Id, purposes, history);
    }
}

/// <summary>One purpose's current answer; no time and source means nobody answered (and so it is not granted).</summary>
public sealed record PurposeConsent(bool Granted, DateTimeOffset? UpdatedAt, string? Source);

/// <summary>The outcome of a consent API call, mapped to HTTP once per host.</summary>
public sealed record ConsentResult(ConsentStatus Status, ConsentView? View, string? Error)
{
    public static ConsentResult Ok(ConsentView view) => new(ConsentStatus.Ok, view, null);
    public static ConsentResult NotFound(string error) => new(ConsentStatus.NotFound, null, error);
    public static ConsentResult Invalid(string error) => new(ConsentStatus.Invalid, null, error);
    public static ConsentResult Conflict(string error) => new(ConsentStatus.Conflict, null, error);
}

public enum ConsentStatus
{
    Ok,
    NotFound,
    Invalid,
    Conflict,
}

/// <summary>Source-generated serializers for the consent API's answers (hosts share them).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConsentView))]
public sealed partial class ConsentJsonContext : JsonSerializerContext;
