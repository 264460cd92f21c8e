namespace Cdp.Core.Consent;

/// <summary>How much consent history a profile document carries (the rest is in <see cref="IConsentArchive"/>).</summary>
public static class ConsentHistoryLimits
{
    /// <summary>
    /// Newest changes kept in the document. The document is read and rewritten on every event, so it must not grow with
    /// a person's clicks on a consent banner; 50 covers years of ordinary changes, and the API still shows them all.
    /// </summary>
    public const int InDocument = 50;
}
