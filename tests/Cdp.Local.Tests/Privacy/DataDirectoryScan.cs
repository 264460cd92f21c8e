using System.Text;

namespace Cdp.Local.Tests.Privacy;

/// <summary>Reads every file under a data directory byte for byte (the host may be running: files are opened shared).</summary>
internal static class DataDirectoryScan
{
    /// <summary>"relative/path: needle" for each needle found in a file; empty when none is anywhere.</summary>
    public static IReadOnlyList<string> Find(string dataDirectory, IReadOnlyCollection<string> needles)
    {
        var found = new List<string>();
        var patterns = needles.Select(n => (Text: n, Bytes: Encoding.UTF8.GetBytes(n))).ToList();
        foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = Read(file);
            foreach (var (text, pattern) in patterns)
            {
                if (bytes.AsSpan().IndexOf(pattern) >= 0)
                {
                    found.Add($"{Path.GetRelativePath(dataDirectory, file)}: {text}");
                }
            }
        }

        return found;
    }

    public static IReadOnlyList<string> Files(string dataDirectory) =>
        Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dataDirectory, f)).Order().ToList();

    private static byte[] Read(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            // Renamed away between listing and reading (a temporary file): nothing to scan.
            return [];
        }
    }
}
