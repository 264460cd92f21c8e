using System.Globalization;

namespace Cdp.Bench;

/// <summary>Options of <c>segments</c>: the refresh's profile count and the latency run's load (as <c>ingest</c>'s host figures).</summary>
internal sealed record SegmentSettings(
    int Profiles, int People, int Clients, int Seconds, Mix Mix, bool Refresh, bool Latency, IReadOnlyList<string> HostSettings)
{
    public static bool TryParse(string[] args, out SegmentSettings settings, out string? error)
    {
        settings = new SegmentSettings(1_000_000, 20_000, 4, 15, Mix.Server, Refresh: true, Latency: true, []);
        error = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var (name, text) = (args[i], i + 1 < args.Length ? args[i + 1] : null);
            switch (name)
            {
                case "--only" when text is "refresh" or "latency":
                    settings = settings with { Refresh = text == "refresh", Latency = text == "latency" };
                    continue;
                case "--mix" when text is "server" or "browser":
                    settings = settings with { Mix = text == "server" ? Mix.Server : Mix.Browser };
                    continue;
                case "--host" when text is not null && text.Contains('=', StringComparison.Ordinal):
                    settings = settings with { HostSettings = [.. settings.HostSettings, text] };
                    continue;
                case "--only" or "--mix" or "--host":
                    error = $"{name} needs {(name == "--only" ? "refresh or latency" : name == "--mix" ? "server or browser" : "a setting as key=value")}";
                    return false;
                case "--profiles" or "--people" or "--clients" or "--seconds":
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a whole number of at least 1";
                return false;
            }

            settings = name switch
            {
                "--profiles" => settings with { Profiles = value },
                "--people" => settings with { People = value },
                "--clients" => settings with { Clients = value },
                _ => settings with { Seconds = value },
            };
        }

        return true;
    }
}
