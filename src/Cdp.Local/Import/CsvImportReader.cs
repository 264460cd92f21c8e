using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Cdp.Local.Import;

/// <summary>
/// Reads a CSV of identify rows (a CRM or store export): the columns userId, anonymousId, timestamp and messageId
/// fill the call, email and phone become traits (where identity resolution finds them), and every other column
/// becomes a trait of the same name. Empty cells are left out, so they never blank a known trait.
/// </summary>
public static class CsvImportReader
{
    private static readonly string[] CallColumns = ["userId", "anonymousId", "timestamp", "messageId"];

    public static async IAsyncEnumerable<ImportRecord> ReadAsync(
        TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformed = new Queue<ImportRecord>();
        var options = new CsvReaderOptions
        {
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => malformed.Enqueue(ImportRecord.Invalid((int)record.LineNumber, $"malformed CSV ({record.Reason})")),
            IncludeValuesInExceptions = false,
        };
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        await csv.ReadHeaderAsync(cancellationToken);
        var columns = csv.Headers.Select(Column.For).ToArray();
        if (columns.Length == 0)
        {
            yield break;
        }

        while (await csv.ReadAsync(cancellationToken))
        {
            // The reader scans ahead, so it may report a malformed record before the good ones above it.
            while (malformed.TryPeek(out var bad) && bad.Line < csv.LineNumber)
            {
                yield return malformed.Dequeue();
            }

            var cells = new string[Math.Min(csv.FieldCount, columns.Length)];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = csv.GetString(i) ?? string.Empty;
            }

            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            yield return ImportRecord.Valid((int)csv.LineNumber, ToIdentify((int)csv.LineNumber, columns, cells));
        }

        while (malformed.TryDequeue(out var bad))
        {
            yield return bad;
        }
    }

    private static ReadOnlyMemory<byte> ToIdentify(int line, Column[] columns, string[] cells)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("type", "identify");
        var hasMessageId = false;
        for (var i = 0; i < columns.Length && i < cells.Length; i++)
        {
            if (columns[i].CallField is { } field && !string.IsNullOrEmpty(cells[i]))
            {
                writer.WriteString(field, cells[i]);
                hasMessageId |= field == "messageId";
            }
        }

        if (!hasMessageId)
        {
            // Same row of the same file, same messageId: importing a file twice counts each row once.
            writer.WriteString("messageId", ImportMessageIds.For(line, Encoding.UTF8.GetBytes(string.Join('\u001f', cells))));
        }

        writer.WriteStartObject("traits");
        for (var i = 0; i < columns.Length && i < cells.Length; i++)
        {
            if (columns[i].CallField is null && columns[i].Name.Length > 0 && !string.IsNullOrEmpty(cells[i]))
            {
                writer.WriteString(columns[i].Name, cells[i]);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenMemory;
    }

    /// <summary>A header cell: the Segment field it fills, or a trait name (email and phone are traits).</summary>
    private readonly record struct Column(string Name, string? CallField)
    {
        public static Column For(string header)
        {
            var name = header.Trim();
            var field = Array.Find(CallColumns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (field is null && (name.Equals("email", StringComparison.OrdinalIgnoreCase) || name.Equals("phone", StringComparison.OrdinalIgnoreCase)))
            {
                name = name.ToLowerInvariant();
            }

            return new Column(name, field);
        }
    }
}
