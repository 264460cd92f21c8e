using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>Copies the loser's timeline into the survivor's partition, then drops the loser's.</summary>
public sealed class MoveTimelineActivity(LiveProfiles live, ITimelineStore timeline) : IActivity<MergeStep, int>
{
    public const string ActivityName = "MoveTimeline";
    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
        if (survivor is null)
        {
            return 0;
        }

        var moved = 0;
        string? token = null;
        do
        {
            var page = await timeline.GetPageAsync(input.LoserId, PageSize, token, cancellationToken);
            if (page.Events.Count > 0)
            {
                await timeline.AppendAsync(survivor.Value.Value.Id,
                    page.Events.Select(e => e with { ProfileId = survivor.Value.Value.Id }).ToList(), cancellationToken);
                moved += page.Events.Count;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        await timeline.DeleteAllAsync(input.LoserId, cancellationToken);
        return moved;
    }
}
