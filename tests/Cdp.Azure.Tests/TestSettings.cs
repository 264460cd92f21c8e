namespace Cdp.Azure.Tests;

internal static class TestSettings
{
    /// <summary>The Cosmos DB emulator's published, well-known key: not a secret.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
}
