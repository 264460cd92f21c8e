using System.ComponentModel.DataAnnotations;

namespace Cdp.Local.Ingestion;

/// <summary>How the local host consumes its outbox, bound from <c>Cdp:Local:Processing</c>.</summary>
public sealed class LocalProcessingOptions
{
    public const string SectionName = "Cdp:Local:Processing";

    /// <summary>False runs the host ingest-only: events are accepted and queued, and wait until a host with processing starts.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Events handed to the processor per outbox transaction.</summary>
    [Range(1, 10_000, ErrorMessage = "Cdp:Local:Processing:MaxBatchSize must be between 1 and 10000")]
    public int MaxBatchSize { get; set; } = 500;
}
