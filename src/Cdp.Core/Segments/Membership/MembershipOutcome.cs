
namespace Cdp.Core.Segments;

/// <summary>
/// What one evaluation of a profile changed: the deliveries to hand on once the profile is written, the segments it
/// entered and left (for the members index), and whether consent held it back from a destination it qualifies for.
/// </summary>
/// <param name="Removed">Segments no longer in the catalog whose standing was dropped from the profile.</param>
public sealed record MembershipOutcome(
    IReadOnlyList<AudienceDelivery> Deliveries,
    IReadOnlyList<string> Entered,
    IReadOnlyList<string> Exited,
    IReadOnlyList<string> Removed,
    bool Changed,
    bool FilteredByConsent)
{
    public static readonly MembershipOutcome None = new([], [], [], [], false, false);
}
