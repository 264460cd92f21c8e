using System.Globalization;

namespace Cdp.Local.Demo;

/// <summary>The demo command's own arguments; any other <c>--Section:Key=value</c> is passed to the host as a setting.</summary>
public sealed record DemoArguments(int Seed, int People, string DataDirectory, string Url, bool Exit, string[] Settings)
{
    public const string Usage =
        "usage: demo [--seed N] [--people N] [--data DIR] [--urls http://127.0.0.1:PORT] [--exit] [--Section:Key=value ...]";

    /// <summary>Relative to the working directory, like the host's own <c>.cdp-data</c>; git-ignored.</summary>
    public const string DefaultDataDirectory = ".cdp-demo-data";

    public static bool TryParse(string[] args, out DemoArguments arguments, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        arguments = new DemoArguments(42, 200, DefaultDataDirectory, LocalHostDefaults.Url, false, []);
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && !n.Contains(':', StringComparison.Ordinal) ? (n, v) : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Length ? args[++i] : string.Empty);
            switch (name)
            {
                case "--exit":
                    arguments = arguments with { Exit = true };
                    break;
                case "--seed" or "--people":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                        || (name == "--people" && number is < 1 or > 100_000))
                    {
                        problem = $"{name} needs a whole number{(name == "--people" ? " from 1 to 100000" : string.Empty)}, not \"{text}\"";
                        return false;
                    }

                    arguments = name == "--seed" ? arguments with { Seed = number } : arguments with { People = number };
                    break;
                case "--data" or "--urls":
                    var value = Value();
                    if (value.Length == 0)
                    {
                        problem = $"{name} needs a value";
                        return false;
                    }

                    arguments = name == "--data" ? arguments with { DataDirectory = value } : arguments with { Url = value.Split(';')[0] };
                    break;
                case "--help" or "-h":
                    problem = string.Empty;
                    return false;
                default:
                    if (!args[i].StartsWith("--", StringComparison.Ordinal) || !args[i].Contains(':', StringComparison.Ordinal))
                    {
                        problem = $"unknown argument {args[i]}";
                        return false;
                    }

                    // A host setting such as --Cdp:Local:Synchronous=Normal or --Cdp:Local:Synchronous Normal.
                    settings.Add(args[i]);
                    if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                    {
                        settings.Add(args[++i]);
                    }

                    break;
            }
        }

        if (!Uri.TryCreate(arguments.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            problem = $"--urls must be one http URL such as http://127.0.0.1:7072, not \"{arguments.Url}\"";
            return false;
        }

        arguments = arguments with { Settings = [.. settings] };
        problem = string.Empty;
        return true;
    }
}
