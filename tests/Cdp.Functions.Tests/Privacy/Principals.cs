using System.Text;
using System.Text.Json;

namespace Cdp.Functions.Tests.Privacy;

/// <summary><c>X-MS-CLIENT-PRINCIPAL</c> values as App Service authentication (Microsoft Entra ID) writes them.</summary>
internal static class Principals
{
    public const string ComplianceCaller = "3f1c8a52-0000-4000-8000-00000000c0de";

    public static string With(string objectId, params string[] roles)
    {
        var claims = new List<object> { new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = objectId } };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        var principal = new { auth_typ = "aad", name_typ = "name", role_typ = "roles", claims };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(principal)));
    }

    public static string Compliance => With(ComplianceCaller, "Privacy.Manage");
}
