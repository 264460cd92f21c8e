namespace Cdp.Local.Tests.Infrastructure;

/// <summary>Bounded polling for work the host does in the background.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Calls <paramref name="probe"/> until it returns a value meeting <paramref name="done"/>; fails the test at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            // A short pause between probes so polling does not starve the host on a 2-core machine.
            await Task.Delay(TimeSpan.FromMilliseconds(40));
        }
        while (clock.Elapsed < limit);

        throw new TimeoutException($"gave up waiting for {what} after {limit.TotalSeconds} s; last seen: {last}");
    }
}
