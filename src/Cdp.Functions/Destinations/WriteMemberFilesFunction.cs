using Cdp.Core.Destinations;
using Cdp.Core.Segments;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Destinations;

/// <summary>The segment refresh's last activity (Core's <see cref="WriteMemberFilesActivity"/>): member files to Blob exports.</summary>
public sealed class WriteMemberFilesFunction(WriteMemberFilesActivity activity)
{
    [Function(SegmentRefreshWorkflow.MemberFilesActivityName)]
    public Task<int> Run([ActivityTrigger] MemberFilesStep input, CancellationToken cancellationToken) =>
        activity.RunAsync(input, cancellationToken);
}
