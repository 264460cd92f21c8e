namespace Cdp.Core.Ingestion;

/// <summary>The Segment Tracking API limits, which SDKs already respect.</summary>
public static class IngestionLimits
{
    public const int MaxEventBytes = 32 * 1024;
    public const int MaxBatchBytes = 500 * 1024;
    public const int MaxBatchEvents = 2_500;
}
