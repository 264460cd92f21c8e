using Cdp.Core.Ingestion;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Ingestion;

/// <summary>
/// The raw-event archive as files under <c>&lt;DataDirectory&gt;/raw-events</c>. A write goes to a temporary file
/// that is renamed over the target, so a reader sees the old file or the new one, never half of one.
/// </summary>
public sealed class FileRawEventArchive : IRawEventArchive
{
    public const string FolderName = "raw-events";
    private const string TempSuffix = ".tmp";

    private readonly bool _flushToDisk;

    public FileRawEventArchive(IOptions<LocalStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Root = Path.Combine(options.Value.ResolveDataDirectory(), FolderName);

        // The same durability promise as the database: with Full the bytes reach the disk before the rename.
        _flushToDisk = options.Value.Synchronous == SqliteSynchronous.Full;
    }

    /// <summary>The archive's folder; archive paths are relative to it.</summary>
    public string Root { get; }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken)
    {
        var target = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await RandomAccess.WriteAsync(handle, ndjson, 0, cancellationToken);
                if (_flushToDisk)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var target = FullPath(path);
        try
        {
            return await File.ReadAllBytesAsync(target, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Archive paths under <paramref name="prefix"/> (e.g. <c>2025/01/31/</c>), '/'-separated, in ordinal order.</summary>
    public IReadOnlyList<string> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(file => !file.EndsWith(TempSuffix, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => relative.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Maps an archive path to a file, refusing anything that could leave the archive folder.</summary>
    private string FullPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.IsPathRooted(path) || path.Contains('\\', StringComparison.Ordinal) || path.EndsWith(TempSuffix, StringComparison.Ordinal)
            || path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException(
                $"archive path '{path}' must be relative and '/'-separated, without empty, '.' or '..' segments or a '{TempSuffix}' ending",
                nameof(path));
        }

        return Path.Combine(Root, path);
    }
}
