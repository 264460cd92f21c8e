using System.Globalization;

namespace Cdp.Bench;

/// <summary>What the figures say about the machine and this process: how busy it is and how much memory the process held.</summary>
internal static class Machine
{
    private const string Status = "/proc/self/status";

    /// <summary>The 1-minute load average: figures are only comparable on an idle machine, and Linux says how busy it is.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>
    /// Resets this process's VmHWM to its current resident size (Linux: "5" to /proc/self/clear_refs), so a later
    /// <see cref="PeakWorkingSetBytes"/> covers only what ran in between. False where that is refused.
    /// </summary>
    public static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The most memory this process held resident (VmHWM), else what .NET reports as its peak working set.</summary>
    public static long PeakWorkingSetBytes()
    {
        if (File.Exists(Status) && File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line)
        {
            // "VmHWM:	  123456 kB"
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>Bytes this process caused to be written to storage so far (Linux /proc/self/io write_bytes), else 0.</summary>
    public static long BytesWritten()
    {
        const string Io = "/proc/self/io";
        try
        {
            return File.Exists(Io) && File.ReadLines(Io).FirstOrDefault(l => l.StartsWith("write_bytes:", StringComparison.Ordinal)) is { } line
                ? long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture)
                : 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
