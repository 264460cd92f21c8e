using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// Membership around a profile write, for every writer of profiles (ingestion, the consent API, the refresh): evaluate
/// before each write attempt (a retried write evaluates the fresh document again), then, once the write has committed,
/// hand the deliveries on and bring the members index in line.
/// </summary>
public sealed class MembershipSync(
    SegmentCatalog catalog, MembershipEvaluator evaluator, IAudienceActivation activation, ISegmentMembers members, SegmentMetrics metrics,
    TimeProvider time)
{
    /// <summary>Evaluates <paramref name="profile"/> now, against segments no older than the catalog's reload interval.</summary>
    public Task<MembershipOutcome> EvaluateAsync(Profile profile, CancellationToken cancellationToken) =>
        EvaluateAsync(profile, time.GetUtcNow(), cancellationToken);

    public async Task<MembershipOutcome> EvaluateAsync(Profile profile, DateTimeOffset now, CancellationToken cancellationToken) =>
        evaluator.Assess(profile, now, await catalog.GetAsync(cancellationToken));

    /// <summary>Call after the write that carried <paramref name="outcome"/> committed (never before: a lost write sends nothing).</summary>
    public async Task PublishAsync(Profile profile, MembershipOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Changed)
        {
            return;
        }

        metrics.Recorded(outcome);
        if (outcome.Deliveries.Count > 0)
        {
            await activation.EnqueueAsync(outcome.Deliveries, cancellationToken);
        }

        foreach (var key in outcome.Entered)
        {
            var standing = profile.Segments[key];
            await members.UpsertAsync(new SegmentMember(key, profile.Id, standing.Since, standing.Seq), cancellationToken);
        }

        foreach (var key in outcome.Exited.Concat(outcome.Removed))
        {
            await members.RemoveAsync(key, profile.Id, cancellationToken);
        }
    }
}
