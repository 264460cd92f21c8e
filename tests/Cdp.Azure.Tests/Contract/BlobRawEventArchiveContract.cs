using Cdp.Azure.Ingestion;
using Cdp.Azure.Tests.Ingestion;
using Cdp.Core.Ingestion;
using Cdp.Tests.Contract;

namespace Cdp.Azure.Tests.Contract;

/// <summary>The shared archive contract against Azurite, always (test.sh starts it).</summary>
public sealed class BlobRawEventArchiveContract(AzuriteBlobs azurite) : RawEventArchiveContract, IClassFixture<AzuriteBlobs>
{
    protected override IRawEventArchive CreateArchive() => new BlobRawEventArchive(azurite.NewContainer());
}
