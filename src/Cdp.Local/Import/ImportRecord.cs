namespace Cdp.Local.Import;

/// <summary>
/// One line of an import file turned into a Segment call (UTF-8 JSON), or the reason it could not be.
/// <paramref name="Line"/> is the 1-based line number people see in their editor.
/// </summary>
public readonly record struct ImportRecord(int Line, ReadOnlyMemory<byte> Json, string? Error)
{
    public static ImportRecord Valid(int line, ReadOnlyMemory<byte> json) => new(line, json, null);

    public static ImportRecord Invalid(int line, string error) => new(line, ReadOnlyMemory<byte>.Empty, error);
}

/// <summary>The file formats the import command reads.</summary>
public enum ImportFormat
{
    Ndjson,
    Csv,
}
