using System.Globalization;

namespace Cdp.Bench;

/// <summary>Which stores the erasure benchmark builds its worlds on.</summary>
[Flags]
internal enum ErasureStoreKinds
{
    Memory = 1,
    Sqlite = 2,
    Both = Memory | Sqlite,
}

/// <summary>The options of the <c>erasure</c> command.</summary>
internal sealed record ErasureSettings(int SubjectEvents, int Others, int Repeats, ErasureStoreKinds Stores, IReadOnlyList<string> HostSettings)
{
    /// <summary>Worlds hold one subject more than there are repetitions: the first erasure in each warms it up.</summary>
    public int Subjects => Repeats + 1;

    public static bool TryParse(string[] args, out ErasureSettings settings, out string? error)
    {
        settings = new ErasureSettings(200, 20_000, 9, ErasureStoreKinds.Both, []);
        error = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var (name, text) = (args[i], i + 1 < args.Length ? args[i + 1] : null);
            switch (name)
            {
                case "--store":
                    if (!Enum.TryParse<ErasureStoreKinds>(text, ignoreCase: true, out var stores) || !Enum.IsDefined(stores) || int.TryParse(text, out _))
                    {
                        error = "--store needs memory, sqlite or both";
                        return false;
                    }

                    settings = settings with { Stores = stores };
                    continue;
                case "--host":
                    if (text is null || !text.Contains('=', StringComparison.Ordinal))
                    {
                        error = "--host needs a setting as key=value";
                        return false;
                    }

                    settings = settings with { HostSettings = [.. settings.HostSettings, text] };
                    continue;
                case "--subject-events" or "--others" or "--repeats":
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
                "--subject-events" => settings with { SubjectEvents = value },
                "--others" => settings with { Others = value },
                _ => settings with { Repeats = value },
            };
        }

        var minimum = SharedArchiveTraffic.MinimumOtherEvents(settings.Subjects, settings.SubjectEvents);
        if (settings.Others < minimum)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"--others must be at least {minimum} for {settings.Subjects} subjects of {settings.SubjectEvents} events: their batches are filled up with other people's events");
            return false;
        }

        return true;
    }
}
