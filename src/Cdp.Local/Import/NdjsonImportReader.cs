using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Local.Import;

/// <summary>
/// Reads NDJSON: one Segment call per line (with its <c>type</c>), as a batch item. Each line is checked to be
/// one well-formed JSON object on its own, so a broken line costs only itself, never its chunk.
/// </summary>
public static class NdjsonImportReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static async IAsyncEnumerable<ImportRecord> ReadAsync(
        TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ToRecord(lineNumber, line);
        }
    }

    internal static ImportRecord ToRecord(int lineNumber, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.Trim());
        try
        {
            using var document = JsonDocument.Parse(bytes, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ImportRecord.Invalid(lineNumber, "line must be one JSON object (a Segment call with its type)");
            }

            if (document.RootElement.TryGetProperty("messageId", out _) || !document.RootElement.EnumerateObject().Any())
            {
                return ImportRecord.Valid(lineNumber, bytes);
            }
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return ImportRecord.Invalid(lineNumber, "malformed JSON: " + (cut > 0 ? message[..cut] : message));
        }

        return ImportRecord.Valid(lineNumber, WithMessageId(bytes, ImportMessageIds.For(lineNumber, bytes)));
    }

    /// <summary>Prepends a messageId to a non-empty object, so importing the same file again is counted once.</summary>
    private static byte[] WithMessageId(byte[] json, string messageId)
    {
        // The id is "import-" and hex digits: nothing to escape.
        var prefix = Encoding.UTF8.GetBytes("{\"messageId\":\"" + messageId + "\",");
        var brace = Array.IndexOf(json, (byte)'{');
        var result = new byte[prefix.Length + json.Length - brace - 1];
        prefix.CopyTo(result, 0);
        json.AsSpan(brace + 1).CopyTo(result.AsSpan(prefix.Length));
        return result;
    }
}

/// <summary>Deterministic messageIds for imported rows that carry none: the same row of the same file gets the same id.</summary>
public static class ImportMessageIds
{
    public static string For(int lineNumber, ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[32];
        using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        incremental.AppendData(Encoding.UTF8.GetBytes(lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        incremental.AppendData(content);
        incremental.GetHashAndReset(hash);
        return "import-" + Convert.ToHexStringLower(hash[..16]);
    }
}
