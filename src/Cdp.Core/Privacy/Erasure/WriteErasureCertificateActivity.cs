using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Writes the erasure certificate to <c>certificates/{requestId}.json</c>: the same bytes on every run of one step.</summary>
public sealed class WriteErasureCertificateActivity(PrivacyRequestDocuments requests, IDocumentArea documents)
    : IActivity<CertificateStep, DocumentRef>
{
    public const string ActivityName = "WriteErasureCertificate";

    public string Name => ActivityName;

    public static DocumentRef PathFor(string requestId) =>
        new(DocumentAreas.Certificates, requestId + ".json", PrivacyDocuments.JsonContentType);

    public async Task<DocumentRef> RunAsync(CertificateStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var certificate = new ErasureCertificate
        {
            RequestId = request.Id,
            RequestHash = request.RequestHash,
            Regulation = request.Regulation,
            SuppressionMode = request.SuppressionMode ?? SuppressionModes.SuppressWithDelete,
            IdentityTypes = [.. request.IdentityTypes],
            SubmittedTime = request.SubmittedTime,
            ReceivedTime = request.ReceivedTime,
            StartedTime = request.StartedTime,
            CompletedTime = input.CompletedAt,
            Counts = new Dictionary<string, int>(input.Counts.OrderBy(c => c.Key, StringComparer.Ordinal), StringComparer.Ordinal),
            ExportDestinations = [.. input.Destinations],
            Verification = input.Verification,
        };
        var file = PathFor(request.Id);
        await documents.WriteAsync(file.Area, file.Path, PrivacyDocuments.ToIndentedJson(certificate, PrivacyJsonContext.Default.ErasureCertificate),
            file.ContentType, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "certificate_written", PrivacyAuditOutcomes.Succeeded, file.Area + "/" + file.Path,
            cancellationToken);
        return file;
    }
}
