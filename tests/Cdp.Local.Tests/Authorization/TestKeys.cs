using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Authorization;

namespace Cdp.Local.Tests.Authorization;

/// <summary>API keys configured as operators configure them (name, SHA-256, roles), for the authorization tests.</summary>
internal static class TestKeys
{
    public const string ReaderName = "dashboard-reader";
    public const string Reader = "reader-test-key-41c7e09a";

    /// <summary>The key of a caller holding every role but <paramref name="role"/>.</summary>
    public static string Lacking(string role) => "lacks-" + role + "-key-0c5d";

    public static string LackingName(string role) => "lacks-" + role;

    /// <summary>A reader key (Profiles.Read) and, per role, a key holding every other role.</summary>
    public static (string Key, string Value)[] Settings =>
    [
        .. Key(0, ReaderName, Reader, ApiRoles.ProfilesRead),
        .. ApiRoles.All.SelectMany((role, i) => Key(i + 1, LackingName(role), Lacking(role), [.. ApiRoles.All.Where(r => r != role)])),
    ];

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static IEnumerable<(string, string)> Key(int index, string name, string key, params string[] roles)
    {
        yield return ($"Cdp:Local:ApiKeys:{index}:Name", name);
        yield return ($"Cdp:Local:ApiKeys:{index}:KeySha256", Sha256(key));
        for (var r = 0; r < roles.Length; r++)
        {
            yield return ($"Cdp:Local:ApiKeys:{index}:Roles:{r}", roles[r]);
        }
    }
}
