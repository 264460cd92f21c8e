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

    /// <summary>
    /// CPU time so far of each of the host's tiered-compilation threads, by thread id (Linux: utime + stime in
    /// /proc/PID/task/TID/stat); empty where that cannot be read. The runtime ends an idle one and starts another
    /// when methods are queued again, so compare by id.
    /// </summary>
    public IReadOnlyDictionary<int, TimeSpan> JitThreadCpu()
    {
        var cpu = new Dictionary<int, TimeSpan>();
        var tasks = $"/proc/{_process.Id}/task";
        if (!Directory.Exists(tasks))
        {
            return cpu;
        }

        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                // The kernel keeps 15 characters of ".NET Tiered Compilation Worker".
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != ".NET Tiered Com")
                {
                    continue;
                }

                // "tid (comm) state ppid ...": utime and stime are the 14th and 15th fields, in clock ticks (100 a second).
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                cpu[int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)] = TimeSpan.FromMilliseconds(ticks * 10);
            }
            catch (IOException)
            {
                // The thread ended while being read: it is not compiling.
            }
        }

        return cpu;
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
