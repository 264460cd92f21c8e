using Cdp.Core.Workflows;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments;

/// <summary>
/// Starts refreshes: one per slot of <c>SegmentRefreshSchedule</c> (the instance id is the slot's, so two instances or a
/// restart starting the same slot start it once) or one on request.
/// </summary>
public sealed class SegmentRefreshStarter(IWorkflowClient workflows, IOptions<SegmentRefreshSchedule> schedule, TimeProvider time)
{
    /// <summary>The refresh of <paramref name="slot"/> (an occurrence of the schedule).</summary>
    public Task<WorkflowInstance> StartSlotAsync(DateTimeOffset slot, CancellationToken cancellationToken) =>
        workflows.StartAsync(SegmentRefreshWorkflow.WorkflowName, SegmentRefreshSchedule.InstanceId(slot), new SegmentRefreshRequest("schedule"), cancellationToken);

    /// <summary>
    /// How early a timer may fire and still be taken for the coming slot. Azure's timer trigger can fire a little before its
    /// occurrence (clock skew; the WebJobs timer listener allows for under a second); read as "the latest slot at or before
    /// now", that firing would name the previous slot, which already ran, and skip this one.
    /// </summary>
    public static readonly TimeSpan EarlyFiring = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The refresh of the slot due now: what a timer that just fired starts (Azure's timer trigger). That is the latest slot
    /// at or before now, or one at most <see cref="EarlyFiring"/> ahead.
    /// </summary>
    public Task<WorkflowInstance> StartDueAsync(CancellationToken cancellationToken) =>
        StartSlotAsync(LatestSlot(time.GetUtcNow() + EarlyFiring), cancellationToken);

    /// <summary>A refresh now, outside the schedule (<c>POST /api/segments/refresh</c>).</summary>
    public Task<WorkflowInstance> StartNowAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = "segment-refresh-now-" + now.UtcDateTime.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        return workflows.StartAsync(SegmentRefreshWorkflow.WorkflowName, id, new SegmentRefreshRequest("api"), cancellationToken);
    }

    /// <summary>The latest occurrence at or before <paramref name="now"/> (within a day; else <paramref name="now"/> to the second).</summary>
    public DateTimeOffset LatestSlot(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var slots = schedule.Value.Parse().GetNextOccurrences(utc.AddDays(-1), utc.AddTicks(1));
        var latest = slots.LastOrDefault(utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)));
        return new DateTimeOffset(DateTime.SpecifyKind(latest, DateTimeKind.Utc));
    }

    /// <summary>The next occurrence after <paramref name="after"/>.</summary>
    public DateTimeOffset NextSlot(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(schedule.Value.Parse().GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));
}
