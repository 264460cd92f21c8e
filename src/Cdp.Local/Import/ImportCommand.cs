using Cdp.Core.Ingestion;
using Cdp.Local.Ingestion;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Import;

/// <summary>
/// <c>import &lt;file&gt; [--format ndjson|csv] [--write-key KEY]</c>: loads an offline file into the same data
/// directory the host uses (the host need not run). Other <c>--Section:Key=value</c> arguments are settings, as for the host.
/// Exit codes: 0 imported (rows may have been rejected; the summary lists them), 1 file unreadable, 2 bad usage, settings or write key.
/// </summary>
public static class ImportCommand
{
    public const string Usage =
        "usage: import <file> [--format ndjson|csv] [--write-key KEY] [--Cdp:Local:DataDirectory=DIR]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!ImportArguments.TryParse(args, out var arguments, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return 2;
        }

        FileStream file;
        try
        {
            file = File.OpenRead(arguments.File);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"cannot read {arguments.File}: {ex.Message}");
            return 1;
        }

        await using (file)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = arguments.Settings });
            // The console is for progress; only warnings and errors from the services belong there.
            builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning"), new("Logging:LogLevel:Microsoft", "Warning")]);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            builder.Services.AddCdpLocalServices(builder.Configuration);
            using var host = builder.Build();
            try
            {
                await host.StartAsync();
            }
            catch (OptionsValidationException ex)
            {
                await error.WriteLineAsync("Cannot start: " + ex.Message);
                return 2;
            }

            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            try
            {
                var source = await ResolveSourceAsync(host.Services, arguments.WriteKey, output, stopping);
                if (source is null)
                {
                    await error.WriteLineAsync("unknown write key: no source accepts the key given with --write-key");
                    return 2;
                }

                var dataDirectory = host.Services.GetRequiredService<IOptions<LocalStoreOptions>>().Value.ResolveDataDirectory();
                await output.WriteLineAsync($"Importing {arguments.File} ({arguments.Format.ToString().ToLowerInvariant()}) into source {source.Name} ({source.Id}), data directory {dataDirectory}");
                using var reader = new StreamReader(file);
                var records = arguments.Format == ImportFormat.Csv
                    ? CsvImportReader.ReadAsync(reader, stopping)
                    : NdjsonImportReader.ReadAsync(reader, stopping);
                var summary = await host.Services.GetRequiredService<FileImporter>().ImportAsync(records, source, output, stopping);
                await output.WriteAsync(ImportReport.Format(arguments.File, summary));
                return 0;
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"cannot read {arguments.File}: {ex.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await error.WriteLineAsync("import cancelled; rows accepted so far stay queued and are processed by the host");
                return 130;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<Source?> ResolveSourceAsync(IServiceProvider services, string? writeKey, TextWriter output, CancellationToken cancellationToken)
    {
        if (writeKey is not null)
        {
            return await services.GetRequiredService<ISourceDirectory>().FindByWriteKeyAsync(writeKey, cancellationToken);
        }

        var state = await services.GetRequiredService<DefaultSource>().EnsureAsync(cancellationToken);
        if (state is { Created: true, Configured: false })
        {
            await output.WriteLineAsync(DefaultSourceAnnouncer.Describe(state, LocalHostDefaults.Url));
        }

        return state.Source;
    }
}

/// <summary>The import command's own arguments; everything else is passed on as settings.</summary>
public sealed record ImportArguments(string File, ImportFormat Format, string? WriteKey, string[] Settings)
{
    public static bool TryParse(string[] args, out ImportArguments arguments, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        arguments = null!;
        string? file = null;
        string? format = null;
        string? writeKey = null;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--format" or "--write-key")
            {
                if (i + 1 >= args.Length)
                {
                    problem = $"{arg} needs a value";
                    return false;
                }

                if (arg == "--format")
                {
                    format = args[++i];
                }
                else
                {
                    writeKey = args[++i];
                }
            }
            else if (arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                format = arg["--format=".Length..];
            }
            else if (arg.StartsWith("--write-key=", StringComparison.Ordinal))
            {
                writeKey = arg["--write-key=".Length..];
            }
            else if (arg.StartsWith('-'))
            {
                // A setting such as --Cdp:Local:DataDirectory=x or --Cdp:Local:DataDirectory x.
                settings.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    settings.Add(args[++i]);
                }
            }
            else if (file is null)
            {
                file = arg;
            }
            else
            {
                problem = $"unexpected argument {arg}: import takes one file";
                return false;
            }
        }

        if (file is null)
        {
            problem = "import needs a file";
            return false;
        }

        ImportFormat? chosen = (format ?? Path.GetExtension(file)).TrimStart('.').ToLowerInvariant() switch
        {
            "csv" => ImportFormat.Csv,
            "ndjson" or "jsonl" or "json" => ImportFormat.Ndjson,
            _ => null,
        };
        if (chosen is null)
        {
            problem = format is null
                ? $"cannot tell the format of {Path.GetFileName(file)} from its extension; add --format ndjson or --format csv"
                : $"--format {format} is not supported; use ndjson or csv";
            return false;
        }

        if (writeKey is { Length: 0 })
        {
            problem = "--write-key needs a value";
            return false;
        }

        arguments = new ImportArguments(file, chosen.Value, writeKey, [.. settings]);
        problem = string.Empty;
        return true;
    }
}
