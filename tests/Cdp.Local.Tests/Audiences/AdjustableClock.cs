namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// The host's clock, moved forward by the test: "now" is the system's plus what the test added, while timers and
/// stopwatch timestamps stay the system's, so the host's background work (processing, pumps, workflows) keeps running in
/// real time. A jump of minutes keeps webhook signatures within the receivers' tolerance for clock skew.
/// </summary>
internal sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
