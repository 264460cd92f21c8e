using Cdp.Core.Identity;

namespace Cdp.Local.Ingestion;

/// <summary>
/// Stand-in <see cref="IMergeScheduler"/> until the local workflow runner exists: it records that a merge was
/// asked for (profile ids only) so nothing is silently lost, and events keep landing on the strongest match.
/// Registered only when no real scheduler is.
/// </summary>
public sealed partial class MergeRequestLog(ILogger<MergeRequestLog> logger) : IMergeScheduler
{
    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LogRequested(logger, request.InstanceId, string.Join(", ", request.ProfileIds), request.Reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Merge {InstanceId} of profiles {ProfileIds} requested ({Reason}); no merge workflow runs in this host yet")]
    private static partial void LogRequested(ILogger logger, string instanceId, string profileIds, string reason);
}
