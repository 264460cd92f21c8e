using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cdp.Bench;

/// <summary>
/// The real embedded host (Cdp.Local.dll from this program's output folder) as a child process on a free loopback
/// port and a fresh data directory. Disposing it kills the process and deletes the directory.
/// </summary>
internal sealed class LocalHost : IAsyncDisposable
{
    private const int KeptOutputLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private LocalHost(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        Address = address;
        DataDirectory = dataDirectory;

        // Ctrl+C is handled by cancellation; this covers the bench being terminated some other way.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    /// <summary>
    /// The most memory the host process has held resident since it started (Linux VmHWM; elsewhere what .NET
    /// reports as its peak working set), read from outside so the host is measured as it runs.
    /// </summary>
    public long PeakWorkingSetBytes
    {
        get
        {
            var status = $"/proc/{_process.Id}/status";
            if (File.Exists(status))
            {
                var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    // "VmHWM:	  123456 kB"
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>The host's last lines of console output, for an error message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <param name="settings">Extra host settings as <c>key=value</c>, passed as <c>--key=value</c>.</param>
    public static LocalHost Start(string writeKey, IReadOnlyList<string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Cdp.Local.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Cdp.Local.dll is not next to the benchmark; build bench/Cdp.Bench, which references src/Cdp.Local", dll);
        }

        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cdp-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var arg in new[]
        {
            dll, "--urls", address.ToString().TrimEnd('/'),
            "--Cdp:Local:DataDirectory=" + dataDirectory,
            "--Cdp:Local:DefaultWriteKey=" + writeKey,

            // Information-level request logs would cost the host more than the work measured.
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings.Select(s => "--" + s)))
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var host = new LocalHost(process, address, dataDirectory);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls /health until it answers 200; fails if the process exits or the deadline passes.</summary>
    public async Task WaitUntilHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the host exited with code {_process.ExitCode}:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"the host did not answer /health within {timeout.TotalSeconds} s:{Environment.NewLine}{RecentOutput}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        using (var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed but not reaped in time; the directory delete below may then fail and is retried.
            }
        }

        _process.Dispose();
        for (var attempt = 1; attempt <= 3 && Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 3)
            {
                await Task.Delay(500);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
