namespace Cdp.Core.Segments;

/// <summary>
/// A profile's standing in one segment, kept on the profile document so a transition is committed by the same
/// ETag-checked write that changed the profile: it is recorded once, whoever evaluates.
/// </summary>
/// <param name="Member">In the segment now.</param>
/// <param name="Since">When the current standing began (entered or exited).</param>
/// <param name="Seq">Transition counter: incremented on every entered/exited; delivery ids are derived from it.</param>
/// <param name="SentTo">Destinations that currently hold this person as a member (sent "Audience Entered" and not exited).</param>
public sealed record SegmentMembership(bool Member, DateTimeOffset Since, long Seq, List<string> SentTo);
