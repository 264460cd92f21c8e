using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Privacy;

/// <summary>
/// Who calls the privacy API, as App Service authentication (Easy Auth) presents the signed-in Microsoft Entra ID
/// principal: base64 JSON in <c>X-MS-CLIENT-PRINCIPAL</c> with its claims. The caller needs the app role
/// <see cref="RequiredRole"/> (claim <c>roles</c>). The header can be trusted only because App Service authentication
/// removes any copy a client sends, so it must be switched on for the app (infra/); the function key the triggers
/// also require keeps the API closed if it ever is not.
/// </summary>
/// <param name="ActorId">For the audit trail: the caller's object id, else its client application id; never a name or email.</param>
/// <param name="Denied">The 401 or 403 answer when the caller may not use the API.</param>
internal sealed record PrivacyCaller(string? ActorId, IActionResult? Denied)
{
    public const string RequiredRole = "Privacy.Manage";
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private const string RoleClaim = "roles";

    /// <summary>Claim types naming the caller, most specific first: user or service principal object id, then client app id.</summary>
    private static readonly string[] ActorClaims =
        ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid", "azp", "appid"];

    public static PrivacyCaller From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Claims(request.Headers[PrincipalHeader].ToString()) is not { } claims)
        {
            return Deny(StatusCodes.Status401Unauthorized, "sign in with Microsoft Entra ID (App Service authentication) to use the privacy API");
        }

        if (!claims.Any(c => c.Type == RoleClaim && c.Value == RequiredRole))
        {
            return Deny(StatusCodes.Status403Forbidden, $"the privacy API needs the {RequiredRole} app role");
        }

        var actor = ActorClaims.Select(t => claims.Find(c => c.Type == t && c.Value.Length > 0)?.Value).FirstOrDefault(v => v is not null);
        return new PrivacyCaller(actor ?? RequiredRole, null);
    }

    private static PrivacyCaller Deny(int statusCode, string error) =>
        new(null, JsonResponse.Object(statusCode, w => w.WriteString("error", error)));

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

            // Easy Auth names the role claim type in role_typ; "roles" is what Entra ID app roles arrive as.
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
