using Cdp.Core.Privacy;

namespace Cdp.Azure.Tests.Privacy;

/// <summary>Privacy requests for the adapter tests.</summary>
internal static class TestRequests
{
    public static readonly DateTimeOffset Received = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static PrivacyRequest New(string id, string status = PrivacyRequestStatuses.Pending, DateTimeOffset? received = null) => new()
    {
        Id = id,
        Regulation = PrivacyRegulations.Gdpr,
        Type = PrivacyRequestTypes.Erasure,
        SuppressionMode = SuppressionModes.SuppressWithDelete,
        Status = status,
        SubmittedTime = Received.AddHours(-1),
        ReceivedTime = received ?? Received,
        ExpectedCompletionTime = Received.AddDays(30),
        RequestHash = "hash-1",
        IdentityTypes = ["email"],
        SubjectIdentities = [new SubjectIdentity("email", "jane@example.com")],
        StatusCallbackUrls = ["https://dsr.example.com/callback"],
        ActorId = "client-1",
    };
}
