using System.Security.Cryptography;
using System.Text;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Authorization;

/// <summary>What start-up found or made: the admin key's hash if there is one, and the plain key only when it was just made.</summary>
public sealed record GeneratedAdminKeyState(byte[]? Hash, string? NewKey, string FilePath);

/// <summary>
/// Zero-config try-out: on first start, when the operator configured no management key (<c>Cdp:Local:AdminKey</c> or
/// <c>Cdp:Local:ApiKeys</c>), the host makes an admin key holding every role, like the default source's write key. Only its
/// SHA-256 is kept, in an owner-only file of the data directory; the key itself is shown once on the console. Deleting
/// the file revokes the key (the next start without configured keys makes a new one).
/// </summary>
public sealed class GeneratedAdminKey
{
    public const string FileName = "admin-key.sha256";

    private readonly Lazy<GeneratedAdminKeyState> _state;

    public GeneratedAdminKey(IOptions<LocalStoreOptions> store, IOptions<ApiKeyOptions> keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        var path = Path.Combine(store.Value.ResolveDataDirectory(), FileName);
        _state = new(() => Ensure(path, generate: !keys.Value.KeysConfigured), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Reads the key's hash, or makes the key on first use when none exists and none is configured.</summary>
    public GeneratedAdminKeyState State => _state.Value;

    private static GeneratedAdminKeyState Ensure(string path, bool generate)
    {
        if (File.Exists(path))
        {
            return new GeneratedAdminKeyState(Read(path), null, path);
        }

        if (!generate)
        {
            return new GeneratedAdminKeyState(null, null, path);
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, fileOptions))
        {
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash) + "\n"));
            stream.Flush(flushToDisk: true);
        }

        try
        {
            // A rename never shows a half-written file; if another process starting on the same directory won, its key stands.
            File.Move(temp, path, overwrite: false);
            return new GeneratedAdminKeyState(hash, key, path);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return new GeneratedAdminKeyState(Read(path), null, path);
        }
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        return text.Length == 64 && text.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(text)
            : throw new InvalidOperationException($"{path} must hold the 64 hex digits of the admin key's SHA-256; delete it to have a new key made");
    }
}
