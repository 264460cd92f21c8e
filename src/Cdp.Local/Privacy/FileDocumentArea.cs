using Cdp.Core.Privacy;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>
/// The document areas as folders, <c>&lt;DataDirectory&gt;/&lt;area&gt;/&lt;path&gt;</c>, for the areas of
/// <see cref="DocumentAreas"/> only. Paths are relative and '/'-separated; anything that could leave the area's folder is
/// refused. A write goes to a temporary file renamed over the target, so a reader sees the old file or the new one.
/// </summary>
public sealed class FileDocumentArea : IDocumentArea
{
    private const string TempSuffix = ".tmp";

    private readonly string _root;
    private readonly bool _flushToDisk;

    public FileDocumentArea(IOptions<LocalStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = options.Value.ResolveDataDirectory();
        _flushToDisk = options.Value.Synchronous == SqliteSynchronous.Full;
    }

    public async Task WriteAsync(string area, string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var target = FullPath(area, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await RandomAccess.WriteAsync(handle, content, 0, cancellationToken);
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

    public async Task<byte[]?> ReadAsync(string area, string path, CancellationToken cancellationToken)
    {
        var target = FullPath(area, path);
        try
        {
            return await File.ReadAllBytesAsync(target, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<bool> DeleteAsync(string area, string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = FullPath(area, path);
        if (!File.Exists(target))
        {
            return Task.FromResult(false);
        }

        File.Delete(target);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<string>> ListAsync(string area, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        var folder = AreaFolder(area);
        if (!Directory.Exists(folder))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        IReadOnlyList<string> paths = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => !file.EndsWith(TempSuffix, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => relative.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(paths);
    }

    private string AreaFolder(string area)
    {
        ArgumentException.ThrowIfNullOrEmpty(area);
        return DocumentAreas.All.Contains(area)
            ? Path.Combine(_root, area)
            : throw new ArgumentException($"'{area}' is not a document area; use one of {string.Join(", ", DocumentAreas.All)}", nameof(area));
    }

    /// <summary>Maps an area path to a file, refusing anything that could leave the area's folder.</summary>
    private string FullPath(string area, string path)
    {
        var folder = AreaFolder(area);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.IsPathRooted(path) || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal)
            || path.EndsWith(TempSuffix, StringComparison.Ordinal) || path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException(
                $"document path '{path}' must be relative and '/'-separated, without empty, '.' or '..' segments or a '{TempSuffix}' ending",
                nameof(path));
        }

        var full = Path.GetFullPath(Path.Combine(folder, path));
        return full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"document path '{path}' leaves the {area} area", nameof(path));
    }
}
