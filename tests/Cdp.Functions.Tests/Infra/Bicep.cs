using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Cdp.Functions.Tests.Infra;

/// <summary>
/// The bicep compiler from the Azure.Bicep.CommandLine.linux-x64 package (a PackageDownload of this test project),
/// found under the NuGet folder restore used. It works offline: infra/ has only local modules.
/// </summary>
internal static class Bicep
{
    public static readonly string MainFile = RepositoryRoot.File("infra", "main.bicep");

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>main.bicep compiled once per test run; the tests that read the template share it.</summary>
    private static readonly Lazy<Task<Result>> MainBuild = new(() => RunAsync("build", MainFile, "--stdout"));

    public static Task<Result> BuildMainAsync() => MainBuild.Value;

    /// <summary>The compiled ARM template of main.bicep; throws with the diagnostics when it does not compile.</summary>
    public static async Task<JsonNode> MainTemplateAsync()
    {
        var result = await BuildMainAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({result.ExitCode}):\n{result.Diagnostics}");
        }

        return JsonNode.Parse(result.StandardOutput) ?? throw new InvalidOperationException("bicep build wrote no template");
    }

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {Timeout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string Executable()
    {
        var metadata = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var root = metadata.GetValueOrDefault("NuGetPackageRoot");
        var version = metadata.GetValueOrDefault("BicepVersion");
        if (string.IsNullOrEmpty(root) || string.IsNullOrEmpty(version))
        {
            throw new InvalidOperationException("the test assembly lacks NuGetPackageRoot/BicepVersion metadata (Cdp.Functions.Tests.csproj)");
        }

        var path = Path.Combine(root, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"no bicep at {path}: restore downloads it (PackageDownload in Cdp.Functions.Tests.csproj)");
        }

        // NuGet extracts without the execute bit on some machines (the package is the Linux build: no Windows here).
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return path;
    }

    /// <summary>What one bicep run said. Diagnostics (errors, warnings, infos) go to standard error.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Diagnostics => StandardError.Trim() is { Length: > 0 } text ? text : "(none)";
    }
}
