namespace Cdp.Local.Tests.Infrastructure;

/// <summary>Paths in the checkout, found by walking up from the test binaries to the folder holding the solution.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string NodeTools => Path.Combine(Root, "tests", "node");

    /// <summary>The built host, as <c>dotnet Cdp.Local.dll</c> runs it: the copy next to the tests, else the project's own output.</summary>
    public static string HostDll
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Cdp.Local.dll");
            if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Cdp.Local.runtimeconfig.json")))
            {
                return beside;
            }

            // bin/<Configuration>/<tfm>/ of the tests mirrors bin/<Configuration>/<tfm>/ of the host.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var built = Path.Combine(Root, "src", "Cdp.Local", "bin", configuration, tfm, "Cdp.Local.dll");
            return File.Exists(built) ? built : throw new FileNotFoundException("Cdp.Local.dll is not built", built);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CdpFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no folder above " + AppContext.BaseDirectory + " holds CdpFunctions.sln");
    }
}
