using Cdp.Core.Segments;
using Cdp.Core.Workflows;

namespace Cdp.Core.Destinations;

/// <summary>
/// The segment refresh's last step: a full member file per file destination and segment listing it. Files are named by
/// the refresh's time, so a retry rewrites the same files and the ledger records the same ids.
/// </summary>
public sealed class WriteMemberFilesActivity(MemberFileExport export) : IActivity<MemberFilesStep, int>
{
    public string Name => SegmentRefreshWorkflow.MemberFilesActivityName;

    public async Task<int> RunAsync(MemberFilesStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = await export.PlanAsync(cancellationToken);
        foreach (var (destination, segmentKey) in plan)
        {
            await export.ExportAsync(destination, segmentKey, input.At, cancellationToken);
        }

        return plan.Count;
    }
}
