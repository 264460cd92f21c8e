namespace Cdp.Core.Consent;

/// <summary>Sources the platform itself writes on consent answers and history entries.</summary>
public static class ConsentSources
{
    /// <summary>An API answer that names no source.</summary>
    public const string Api = "api";

    /// <summary>A merge changed the survivor's answer (to the more restrictive one of the merged profile).</summary>
    public const string Merge = "merge";
}
