using Microsoft.Extensions.Time.Testing;

namespace Cdp.Tests.Time;

/// <summary>
/// A fake clock that jumps forward to each timer as soon as it is set, so retry back-off is exercised (and its delays
/// recorded) without real waiting.
/// </summary>
internal sealed class JumpingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    public JumpingTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            DateTimeOffset due;
            lock (_gate)
            {
                _delays.Add(dueTime);
                due = GetUtcNow() + dueTime;
            }

            // Off the caller's stack, so the timer's owner has finished setting it up.
            ThreadPool.QueueUserWorkItem(_ => JumpTo(due));
        }

        return timer;
    }

    private void JumpTo(DateTimeOffset due)
    {
        lock (_gate)
        {
            var now = GetUtcNow();
            if (due > now)
            {
                Advance(due - now);
            }
        }
    }
}
