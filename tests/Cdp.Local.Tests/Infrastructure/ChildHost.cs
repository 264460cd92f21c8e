using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// The built host started as a separate process, as an operator runs it: <c>dotnet Cdp.Local.dll --urls ...</c>, by default
/// with <see cref="LocalHostFactory.AdminKey"/> as <c>Cdp:Local:AdminKey</c>, which <see cref="Client"/> sends on <c>/api</c> calls.
/// </summary>
internal sealed class ChildHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildHost(Process process, string url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }

    public HttpClient Http { get; }

    public string Output => string.Join(Environment.NewLine, _output);

    public static Task<ChildHost> StartAsync(string dataDirectory, params string[] settings) =>
        StartAsync(dataDirectory, withAdminKey: true, settings);

    /// <param name="withAdminKey">False starts the host as a first-time user does, with no management key configured.</param>
    public static async Task<ChildHost> StartAsync(string dataDirectory, bool withAdminKey, params string[] settings)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.HostDll)!,
        };
        start.ArgumentList.Add(RepoPaths.HostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.ArgumentList.Add($"--Cdp:Local:DataDirectory={dataDirectory}");
        if (withAdminKey)
        {
            start.ArgumentList.Add($"--Cdp:Local:AdminKey={LocalHostFactory.AdminKey}");
        }

        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var host = new ChildHost(process, url);
        process.OutputDataReceived += (_, e) => host.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => host.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync(host.IsReadyAsync, ready => ready, "the host to answer /health", TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException("the host did not start:" + Environment.NewLine + host.Output, ex);
        }

        return host;
    }

    public CdpClient Client(string? writeKey, string? apiKey = LocalHostFactory.AdminKey) => new(Http, writeKey, apiKey);

    /// <summary>SIGKILL on Linux: no shutdown hooks, no flushing, exactly like a crash or <c>kill -9</c>.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the host exited with code {_process.ExitCode}");
        }

        try
        {
            using var response = await Http.GetAsync("/health");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
