namespace Cdp.Core.Authorization;

/// <summary>
/// The roles of the management API (every route but ingestion and the health probe): app roles of the Microsoft Entra
/// app registration in Azure, roles of an API key locally. Ingestion uses write keys and needs none of them.
/// </summary>
public static class ApiRoles
{
    /// <summary>Read profiles, their timelines, histories and consent (personal data).</summary>
    public const string ProfilesRead = "Profiles.Read";

    /// <summary>Change what a profile holds through the API (today: record consent answers).</summary>
    public const string ProfilesWrite = "Profiles.Write";

    /// <summary>Define and activate segments, and manage destinations (their dead letters and redrive).</summary>
    public const string SegmentsManage = "Segments.Manage";

    /// <summary>File, read and cancel privacy requests (OpenDSR) and read their results.</summary>
    public const string PrivacyManage = "Privacy.Manage";

    public static IReadOnlyList<string> All { get; } = [ProfilesRead, ProfilesWrite, SegmentsManage, PrivacyManage];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
