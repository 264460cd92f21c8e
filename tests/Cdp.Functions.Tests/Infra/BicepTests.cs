namespace Cdp.Functions.Tests.Infra;

/// <summary>infra/main.bicep compiles and lints clean with the pinned bicep, offline: a warning is a failure.</summary>
public sealed class BicepTests
{
    [Fact]
    public async Task Build_MainBicep_CompilesWithoutDiagnostics()
    {
        var result = await Bicep.BuildMainAsync();

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0,
            $"bicep build infra/main.bicep exited {result.ExitCode}; diagnostics:\n{result.Diagnostics}");
        Assert.StartsWith("{", result.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_MainBicep_ReportsNoDiagnostics()
    {
        var result = await Bicep.RunAsync("lint", Bicep.MainFile);

        var diagnostics = (result.StandardOutput + result.StandardError).Trim();
        Assert.True(result.ExitCode == 0 && diagnostics.Length == 0,
            $"bicep lint infra/main.bicep exited {result.ExitCode}; diagnostics:\n{(diagnostics.Length == 0 ? "(none)" : diagnostics)}");
    }
}
