using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Cdp.Core;
using Cdp.Core.Ingestion;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Dead letters in the <c>dead-letters</c> blob container: one JSON document per message at
/// <c>yyyy/MM/dd/{sha256 of the message}.json</c>, dated by when the hub accepted the message (when the trigger says)
/// so a redelivered message lands on its own entry again. Overwrites are intended: setting the same message aside
/// twice leaves one entry.
/// </summary>
internal sealed class BlobDeadLetterArchive(BlobContainerClient container) : IDeadLetterArchive
{
    private static readonly BlobHttpHeaders JsonHeaders = new() { ContentType = "application/json" };

    public async Task WriteAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var blob = container.GetBlobClient(PathFor(deadLetter));
        var content = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(deadLetter, CdpJsonContext.Default.DeadLetter));
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = JsonHeaders }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // In Azure the container comes with the infrastructure; against Azurite it is made on first write.
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = JsonHeaders }, cancellationToken);
        }
    }

    /// <summary>The day the hub accepted the message (else the day it was set aside), and the hash of its exact text.</summary>
    internal static string PathFor(DeadLetter deadLetter)
    {
        var day = (deadLetter.EnqueuedAt ?? deadLetter.DeadLetteredAt).ToUniversalTime();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deadLetter.Message)));
        return day.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture) + "/" + hash + ".json";
    }
}
