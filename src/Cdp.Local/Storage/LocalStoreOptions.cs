using System.ComponentModel.DataAnnotations;

namespace Cdp.Local.Storage;

/// <summary>Where and how durably the embedded host keeps its data, bound from <c>Cdp:Local</c>.</summary>
public sealed class LocalStoreOptions
{
    public const string SectionName = "Cdp:Local";

    /// <summary>Holds <c>cdp.db</c> and the <c>raw-events</c> archive; a relative path is taken from the current directory.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cdp:Local:DataDirectory must name a directory (default ./.cdp-data)")]
    public string DataDirectory { get; set; } = "./.cdp-data";

    /// <summary>
    /// Full: every commit is flushed to disk, so an acknowledged event survives a power loss.
    /// Normal: commits reach the OS but are flushed only at checkpoints, so an acknowledged event survives
    /// a crash of the process but the last commits can be lost with the power; in exchange writes are faster.
    /// </summary>
    [EnumDataType(typeof(SqliteSynchronous), ErrorMessage = "Cdp:Local:Synchronous must be Full or Normal")]
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>The data directory as an absolute path.</summary>
    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);
}

/// <summary>SQLite's <c>synchronous</c> setting, limited to the two levels that are safe with WAL.</summary>
public enum SqliteSynchronous
{
    Full,
    Normal,
}
