using System.Globalization;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Cdp.Core.Segments;

/// <summary>
/// The top-level setting <c>SegmentRefreshSchedule</c>: NCRONTAB with seconds, as Azure Functions' timer trigger reads it
/// (<c>%SegmentRefreshSchedule%</c>), so both hosts refresh on the same schedule.
/// </summary>
public sealed class SegmentRefreshSchedule
{
    public const string SettingName = "SegmentRefreshSchedule";

    /// <summary>Every five minutes, on the minute.</summary>
    public const string Default = "0 */5 * * * *";

    public string Expression { get; set; } = Default;

    /// <summary>The parsed schedule; only valid settings get this far (validated at start-up).</summary>
    public CrontabSchedule Parse() => TryParse(Expression) ?? throw new InvalidOperationException($"{SettingName} is not a valid NCRONTAB expression");

    /// <summary>The workflow instance of one slot: starting the same slot twice (two instances, a restart) is a no-op.</summary>
    public static string InstanceId(DateTimeOffset slot) =>
        "segment-refresh-" + slot.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    internal static CrontabSchedule? TryParse(string? expression) =>
        string.IsNullOrWhiteSpace(expression) ? null : CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
}

/// <summary>Refuses start-up with a message naming <c>SegmentRefreshSchedule</c> when it is not six-field NCRONTAB.</summary>
public sealed class SegmentRefreshScheduleValidator : IValidateOptions<SegmentRefreshSchedule>
{
    public ValidateOptionsResult Validate(string? name, SegmentRefreshSchedule options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SegmentRefreshSchedule.TryParse(options.Expression) is null
            ? ValidateOptionsResult.Fail(
                $"{SegmentRefreshSchedule.SettingName} must be an NCRONTAB expression with seconds (six fields, e.g. \"{SegmentRefreshSchedule.Default}\"); got \"{options.Expression}\"")
            : ValidateOptionsResult.Success;
    }
}
