using System.Text.Json;
using Cdp.Core.Authorization;
using Microsoft.AspNetCore.Http;

namespace Cdp.Functions.Authorization;

/// <summary>
/// The Functions app's callers of the management routes: the Microsoft Entra ID principal App Service authentication (Easy
/// Auth) passes in <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON with its claims); its roles are the <c>roles</c> claims (app
/// roles). The header can be trusted only because App Service authentication removes any copy a client sends, so it
/// must be switched on for the app (infra/); the function key the triggers also require keeps the API closed if it ever
/// is not.
/// </summary>
internal sealed class AppServicePrincipalCallers : IApiCallers
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private const string RoleClaim = "roles";

    /// <summary>Claim types that name the caller, most specific first: object id (user or service principal), then client app id.</summary>
    private static readonly string[] CallerClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid", "azp", "appid"];

    public string Realm => "cdp-azure: Microsoft Entra ID access token (App Service authentication)";

    public string HowToAuthenticate =>
        "sign in with Microsoft Entra ID (App Service authentication) and send the access token for this app as Authorization: Bearer TOKEN, with the function key";

    public CallerLookup Identify(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[PrincipalHeader].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return CallerLookup.Missing;
        }

        var claims = Claims(header);
        var callerId = claims is null ? null : CallerClaims.SelectMany(t => claims.Where(c => c.Type == t).Select(c => c.Value)).FirstOrDefault(v => v.Length > 0);
        if (callerId is null)
        {
            return CallerLookup.Unknown;
        }

        var roles = claims!.Where(c => c.Type == RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        return CallerLookup.Found(new ApiCaller(callerId, roles));
    }

    /// <summary>The principal's claims; null when the header is not the base64 JSON App Service writes.</summary>
    private static List<(string Type, string Value)>? Claims(string header)
    {
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
