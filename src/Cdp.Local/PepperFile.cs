using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Identity;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local;

/// <summary>
/// Zero-config quickstart: when <c>Cdp:Identity:Pepper</c> is not set, the local host generates a random pepper
/// once and keeps it in the data directory (owner-only file), so identifier hashes stay stable across restarts.
/// A configured pepper always wins; the file is never consulted then.
/// </summary>
public sealed class PepperFile(IOptions<LocalStoreOptions> storeOptions, ILogger<PepperFile> logger) : IPostConfigureOptions<IdentityOptions>
{
    public const string FileName = "pepper.key";

    public void PostConfigure(string? name, IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Pepper))
        {
            return;
        }

        var path = Path.Combine(storeOptions.Value.ResolveDataDirectory(), FileName);
        options.Pepper = ReadOrCreate(path, out var created);
        if (created)
        {
            logger.LogInformation("Generated an identity pepper in {PepperPath}; keep this file with the data (or set Cdp:Identity:Pepper)", path);
        }
    }

    /// <summary>Reads the pepper at <paramref name="path"/>, creating it if absent; safe when two processes race to create it.</summary>
    public static string ReadOrCreate(string path, out bool created)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        created = false;
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var pepper = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, fileOptions))
            {
                stream.Write(Encoding.UTF8.GetBytes(pepper));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // A rename never shows a half-written file; if another process won the race, theirs is kept.
                File.Move(temp, path, overwrite: false);
                created = true;
                return pepper;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
