namespace Cdp.Core.Privacy;

/// <summary>What a caller of the privacy API may do, decided from who they are and their roles.</summary>
public enum PrivacyAccessOutcome
{
    /// <summary>A known caller with the compliance role.</summary>
    Allowed,

    /// <summary>401: no credential, or one that matches no caller.</summary>
    Unauthenticated,

    /// <summary>403: a known caller without the compliance role (a write key's owner, a marketer).</summary>
    Forbidden,
}

/// <summary>
/// The privacy API's authorisation rule, shared by the hosts: a compliance role separate from ingestion write keys
/// (the local host's API keys with roles, App Service authentication's app roles in Azure). Every decision is audited,
/// naming the caller and the route, never the credential or personal data.
/// </summary>
public static class PrivacyAccess
{
    /// <summary>The role (an Entra ID app role in Azure) that may file, read and cancel privacy requests.</summary>
    public const string ManageRole = "Privacy.Manage";

    /// <summary>Audit actor of a call that carried no credential.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Audit actor of a call whose credential matched no caller (the credential itself is never recorded).</summary>
    public const string UnknownCaller = "unknown-caller";

    /// <summary>The audit request id of a decision about a route that names no request (submit, list, discovery).</summary>
    public const string NoRequest = "-";

    /// <param name="callerId">The authenticated caller's name, or null when the credential was missing or matched nobody.</param>
    public static PrivacyAccessOutcome Decide(string? callerId, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (string.IsNullOrEmpty(callerId))
        {
            return PrivacyAccessOutcome.Unauthenticated;
        }

        return roles.Contains(ManageRole, StringComparer.Ordinal) ? PrivacyAccessOutcome.Allowed : PrivacyAccessOutcome.Forbidden;
    }

    /// <summary>The audit line of one decision; <paramref name="route"/> is the route template, e.g. "GET /api/privacy/requests/{id}".</summary>
    /// <param name="actorId">The caller's name, <see cref="Anonymous"/> or <see cref="UnknownCaller"/>.</param>
    /// <param name="requestId">The request the route names (a UUID), else <see cref="NoRequest"/>.</param>
    public static PrivacyAuditEntry AuditEntry(
        PrivacyAccessOutcome outcome, string actorId, string route, string requestId, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ArgumentException.ThrowIfNullOrEmpty(route);
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var (result, detail) = outcome switch
        {
            PrivacyAccessOutcome.Allowed => (PrivacyAuditOutcomes.Succeeded, "allowed"),
            PrivacyAccessOutcome.Forbidden => (PrivacyAuditOutcomes.Rejected, $"403: the caller lacks the {ManageRole} role"),
            _ => (PrivacyAuditOutcomes.Rejected, actorId == Anonymous ? "401: no credential" : "401: the credential matches no caller"),
        };
        return new PrivacyAuditEntry($"access/{Guid.NewGuid():N}", at, requestId, "access " + route, actorId, result, detail);
    }
}
