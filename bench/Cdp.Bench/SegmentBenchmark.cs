namespace Cdp.Bench;

/// <summary>The <c>segments</c> command: the full refresh, then event-to-membership latency under load.</summary>
internal static class SegmentBenchmark
{
    public static async Task<IReadOnlyList<Figure>> RunAsync(SegmentSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var figures = new List<Figure>();
        if (settings.Refresh)
        {
            progress($"[refresh] {settings.Profiles:N0} profiles, 10 segments, in-process local host services");
            figures.AddRange(await RefreshBenchmark.RunAsync(settings.Profiles, settings.HostSettings, progress, cancellationToken));
        }

        if (settings.Latency)
        {
            progress($"[latency] embedded host over HTTP, {settings.Mix.ToString().ToLowerInvariant()} mix");
            var mix = new EventMix(seed: 1);
            var people = settings.Mix == Mix.Browser
                ? mix.CreatePeople(settings.People, 1, 3, mobileShare: 0)
                : mix.CreatePeople(settings.People, 1, 1);
            figures.AddRange(await MembershipLatencyBenchmark.RunAsync(
                settings.Mix, people, settings.Clients, TimeSpan.FromSeconds(settings.Seconds), settings.HostSettings, progress, cancellationToken));
        }

        return figures;
    }
}
