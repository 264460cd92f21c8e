namespace Cdp.Azure.Tests.Contract;

/// <summary>
/// Marks a test class that needs a real Cosmos DB account. Its tests are reported as skipped (never as passed)
/// unless <c>CDP_COSMOS_ENDPOINT</c> is set; the only conditional skip in the suite. A class marker rather than a
/// custom [Fact]: the contract tests inherit their [Fact]s from the shared suites, so <see cref="CdpTestFramework"/>
/// applies it at discovery.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresCosmosAttribute : Attribute
{
    public const string EndpointVariable = "CDP_COSMOS_ENDPOINT";
    public const string SkipReason = "set CDP_COSMOS_ENDPOINT to run the Cosmos contract suite";

    public static bool IsAvailable => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable));
}
