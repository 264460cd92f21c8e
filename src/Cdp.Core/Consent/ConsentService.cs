using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Consent;

/// <summary>The consent API: read a profile's consent, record answers given through it. Merged-away ids lead to the survivor.</summary>
public sealed class ConsentService(
    ConsentPolicy policy, LiveProfiles live, IProfileStore profiles, MembershipSync membership, ConsentHistoryArchiver history,
    IOptions<ProcessingOptions> processing, TimeProvider time)
{
    private readonly int _maxAttempts = processing.Value.MaxWriteAttempts;

    public async Task<ConsentResult> GetAsync(string profileId, CancellationToken cancellationToken)
    {
        var read = await live.ResolveAsync(profileId, cancellationToken);
        return read is { Value: var profile }
            ? ConsentResult.Ok(await ConsentView.OfAsync(profile, policy, history, cancellationToken))
            : ConsentResult.NotFound($"no profile with id {profileId}");
    }

    /// <summary>Records the answers in <paramref name="body"/> (see <see cref="ConsentRequest"/>), each only if newer than the one on file.</summary>
    public async Task<ConsentResult> UpdateAsync(string profileId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (request, error) = ConsentRequest.Parse(body, policy, now);
        if (request is null)
        {
            return ConsentResult.Invalid(error!);
        }

        var at = request.Timestamp ?? now;
        for (var attempt = 1; attempt <= _maxAttempts; attempt++)
        {
            var read = await live.ResolveAsync(profileId, cancellationToken);
            if (read is not { Value: var profile, ETag: var etag })
            {
                return ConsentResult.NotFound($"no profile with id {profileId}");
            }

            var stale = new List<string>();
            foreach (var (purpose, granted) in request.Purposes)
            {
                if (ConsentRecorder.Record(profile, new ConsentAnswer(purpose, granted, at, request.Source)) == ConsentOutcome.Stale)
                {
                    stale.Add(purpose);
                }
            }

            if (stale.Count < request.Purposes.Count)
            {
                profile.UpdatedAt = time.GetUtcNow();
                profile.Version++;

                // Withdrawing a purpose a destination needs sends it "exited" for every segment it holds the person in.
                var segments = await membership.EvaluateAsync(profile, cancellationToken);
                try
                {
                    await history.ArchiveOverflowAsync(profile, cancellationToken);
                    await profiles.ReplaceAsync(profile, etag, cancellationToken);
                    await membership.PublishAsync(profile, segments, cancellationToken);
                }
                catch (ConcurrencyConflictException)
                {
                    // Ingestion or a merge wrote the profile meanwhile: read it (or its survivor) again and re-apply.
                    continue;
                }
            }

            return ConsentResult.Ok(await ConsentView.OfAsync(profile, policy, history, cancellationToken) with { Stale = stale.Count == 0 ? null : stale });
        }

        return ConsentResult.Conflict($"profile {profileId} kept changing during {_maxAttempts} attempts; try again");
    }
}
