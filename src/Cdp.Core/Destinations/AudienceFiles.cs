using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Privacy;
using CsvHelper;

namespace Cdp.Core.Destinations;

/// <summary>
/// File destinations' files in the <c>exports</c> document area, under <c>destinations/{key}/</c>: change files (one per
/// pump cycle: who entered and who exited) and member files (everyone in a segment now). Columns are the destination's
/// mapping, nothing else; a change file adds what changed. Erasure deletes the files that held the subject.
/// </summary>
public sealed class AudienceFiles(IDocumentArea documents)
{
    public const string CsvContentType = "text/csv";

    /// <summary>Writes one change file for <paramref name="messages"/>; named after their ids, so a re-run overwrites it.</summary>
    public async Task<DocumentRef> WriteChangesAsync(Destination destination, IReadOnlyList<AudienceMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(messages);
        var name = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Hash(messages.Select(m => m.Delivery.Id))}";
        var path = $"destinations/{destination.Key}/changes/{now:yyyy/MM/dd}/{name}.{destination.Settings.Format}";
        var content = destination.Settings.Format == DestinationFormats.Ndjson
            ? Ndjson(messages, (m, w) => m.WriteEvent(w))
            : Csv(["event", "audience_key", "message_id", "timestamp", .. destination.Mapping.Names], messages,
                m => [m.EventName, m.Delivery.SegmentKey, m.Delivery.Id, m.Delivery.At.ToString("O", CultureInfo.InvariantCulture)],
                destination.Mapping.Names, m => m.Fields);
        return await WriteAsync(destination, path, content, cancellationToken);
    }

    /// <summary>Writes a segment's member file: one row (or line) of mapped fields per profile.</summary>
    public async Task<DocumentRef> WriteMembersAsync(
        Destination destination, string segmentKey, IReadOnlyList<IReadOnlyList<MappedField>> members, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(members);
        var path = $"destinations/{destination.Key}/members/{segmentKey}/{now:yyyyMMdd'T'HHmmss'Z'}.{destination.Settings.Format}";
        var content = destination.Settings.Format == DestinationFormats.Ndjson
            ? Ndjson(members, WriteFields)
            : Csv(destination.Mapping.Names, members, _ => [], destination.Mapping.Names, m => m);
        return await WriteAsync(destination, path, content, cancellationToken);
    }

    private async Task<DocumentRef> WriteAsync(Destination destination, string path, byte[] content, CancellationToken cancellationToken)
    {
        var contentType = destination.Settings.Format == DestinationFormats.Ndjson ? PrivacyDocuments.NdjsonContentType : CsvContentType;
        await documents.WriteAsync(DocumentAreas.Exports, path, content, contentType, cancellationToken);
        return new DocumentRef(DocumentAreas.Exports, path, contentType);
    }

    private static byte[] Csv<T>(
        IReadOnlyList<string> header, IEnumerable<T> rows, Func<T, string[]> leading, IReadOnlyList<string> fieldNames, Func<T, IReadOnlyList<MappedField>> fields)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvWriterOptions.Default, leaveOpen: true))
        {
            foreach (var column in header)
            {
                csv.WriteField(column);
            }

            csv.EndRecord();
            foreach (var row in rows)
            {
                foreach (var cell in leading(row))
                {
                    csv.WriteField(cell);
                }

                var byName = fields(row).ToDictionary(f => f.Name, StringComparer.Ordinal);
                foreach (var name in fieldNames)
                {
                    csv.WriteField(byName.TryGetValue(name, out var field) ? field.Text : string.Empty);
                }

                csv.EndRecord();
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Ndjson<T>(IEnumerable<T> rows, Action<T, Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        foreach (var row in rows)
        {
            using (var writer = new Utf8JsonWriter(stream))
            {
                write(row, writer);
            }

            stream.WriteByte((byte)'\n');
        }

        return stream.ToArray();
    }

    private static void WriteFields(IReadOnlyList<MappedField> fields, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            writer.WritePropertyName(field.Name);
            field.Value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static string Hash(IEnumerable<string> ids) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', ids.Order(StringComparer.Ordinal)))))[..16];
}
