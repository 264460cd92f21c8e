using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cdp.Core.Privacy;

/// <summary>Source-generated serializers for the privacy documents and files (OpenDSR bodies: <see cref="OpenDsrJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PrivacyRequest))]
[JsonSerializable(typeof(SuppressionEntry))]
[JsonSerializable(typeof(PrivacyAuditEntry))]
[JsonSerializable(typeof(ExportRecord))]
[JsonSerializable(typeof(ErasureCertificate))]
[JsonSerializable(typeof(AccessPackage))]
public sealed partial class PrivacyJsonContext : JsonSerializerContext;

/// <summary>How privacy requests write the files they produce.</summary>
public static class PrivacyDocuments
{
    public const string JsonContentType = "application/json";
    public const string NdjsonContentType = "application/x-ndjson";

    /// <summary>Indented JSON: certificates and access packages are read by people.</summary>
    public static byte[] ToIndentedJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
