using System.Text.Json;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Privacy;

/// <summary>The decision on one call: the caller's id when allowed, else the 401 or 403 answer.</summary>
internal sealed record ComplianceDecision(string? CallerId, IActionResult? Denied);

/// <summary>
/// Guards the privacy functions with Core's <see cref="PrivacyAccess"/> rule and audits every decision (caller and route,
/// never the credential). The caller is the Microsoft Entra ID principal App Service authentication (Easy Auth) passes in
/// <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON with its claims); its roles are the <c>roles</c> claims. The header can be
/// trusted only because App Service authentication removes any copy a client sends, so it must be switched on for the
/// app (infra/); the function key the triggers also require keeps the API closed if it ever is not.
/// </summary>
internal sealed class ComplianceAuthorization(IPrivacyAuditLog audit, TimeProvider time)
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private const string RoleClaim = "roles";

    /// <summary>Claim types that name the caller, most specific first: object id (user or service principal), then client app id.</summary>
    private static readonly string[] CallerClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid", "azp", "appid"];

    /// <param name="route">The route template for the audit line, e.g. "GET /api/privacy/requests/{id}".</param>
    /// <param name="id">The <c>{id}</c> route value, if the route has one.</param>
    public async Task<ComplianceDecision> AuthorizeAsync(HttpRequest request, string route, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[PrincipalHeader].ToString();
        var claims = Claims(header);
        var callerId = claims is null ? null : CallerClaims.SelectMany(t => claims.Where(c => c.Type == t).Select(c => c.Value)).FirstOrDefault(v => v.Length > 0);
        var roles = claims?.Where(c => c.Type == RoleClaim).Select(c => c.Value) ?? [];
        var outcome = PrivacyAccess.Decide(callerId, roles);
        var actor = callerId ?? (string.IsNullOrWhiteSpace(header) ? PrivacyAccess.Anonymous : PrivacyAccess.UnknownCaller);
        var requestId = Guid.TryParseExact(id, "D", out var guid) ? guid.ToString("D") : PrivacyAccess.NoRequest;
        await audit.AppendAsync(PrivacyAccess.AuditEntry(outcome, actor, route, requestId, time.GetUtcNow()), cancellationToken);
        return outcome switch
        {
            PrivacyAccessOutcome.Allowed => new ComplianceDecision(callerId, null),
            PrivacyAccessOutcome.Forbidden => new ComplianceDecision(null, HttpAnswer.Error(StatusCodes.Status403Forbidden,
                $"the caller '{callerId}' lacks the {PrivacyAccess.ManageRole} app role")),
            _ => new ComplianceDecision(null, HttpAnswer.Error(StatusCodes.Status401Unauthorized,
                $"sign in with Microsoft Entra ID (App Service authentication) as a caller with the {PrivacyAccess.ManageRole} app role")),
        };
    }

    /// <summary>The principal's claims; null when the header is absent or not the base64 JSON App Service writes.</summary>
    private static List<(string Type, string Value)>? Claims(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var buffer = new byte[header.Length];
        if (!Convert.TryFromBase64String(header, buffer, out var length))
        {
            return null;
        }

        try
        {
            using var principal = JsonDocument.Parse(buffer.AsMemory(0, length));
            var root = principal.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            // role_typ names the role claim type; Entra ID app roles arrive as "roles".
            var roleType = root.TryGetProperty("role_typ", out var typ) && typ.ValueKind == JsonValueKind.String ? typ.GetString() : null;
            var claims = new List<(string Type, string Value)>();
            foreach (var claim in list.EnumerateArray())
            {
                if (claim.ValueKind == JsonValueKind.Object
                    && claim.TryGetProperty("typ", out var type) && type.ValueKind == JsonValueKind.String
                    && claim.TryGetProperty("val", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    var name = type.GetString()!;
                    claims.Add((name == roleType ? RoleClaim : name, value.GetString()!));
                }
            }

            return claims;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
