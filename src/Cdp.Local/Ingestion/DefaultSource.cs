using System.ComponentModel.DataAnnotations;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Ingestion;

/// <summary>The local host's default source, bound from <c>Cdp:Local</c>.</summary>
public sealed class DefaultSourceOptions
{
    public const string SectionName = "Cdp:Local";

    /// <summary>
    /// When set, the default source accepts this write key (handy for tests, CI and docs). When not set, a random
    /// key is generated on first start and printed once: only its hash is stored.
    /// </summary>
    [RegularExpression(@"^[^:\s]{8,256}$", ErrorMessage = "Cdp:Local:DefaultWriteKey must be 8 to 256 characters with no ':' or whitespace")]
    public string? DefaultWriteKey { get; set; }

    /// <summary>Settings of the default source (<c>Cdp:Local:DefaultSource</c>).</summary>
    public DefaultSourceSettings DefaultSource { get; set; } = new();
}

/// <summary>The default source's settings, bound from <c>Cdp:Local:DefaultSource</c>.</summary>
public sealed class DefaultSourceSettings
{
    /// <summary>
    /// Web origins (<c>Cdp:Local:DefaultSource:AllowedOrigins:0=https://shop.example</c>) whose pages may send events
    /// with the default write key; a page on any other origin gets 403 and nothing is stored. Empty or <c>*</c>: any
    /// origin. Requests without an <c>Origin</c> header (server SDKs, curl) are not affected.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>Rules data annotations cannot express: each allowed origin must be an origin.</summary>
internal sealed class DefaultSourceOptionsValidator : IValidateOptions<DefaultSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, DefaultSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = SourceOrigins.Problems(options.DefaultSource.AllowedOrigins, "Cdp:Local:DefaultSource:AllowedOrigins").ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>What start-up found or made: the default source, and its plain write key when it is known here.</summary>
public sealed record DefaultSourceState(Source Source, string? WriteKey, bool Created, bool Configured);

/// <summary>Makes sure a default source exists before the first request, honouring <c>Cdp:Local:DefaultWriteKey</c>.</summary>
public sealed class DefaultSource(ILocalSources sources, ISourceDirectory directory, IOptions<DefaultSourceOptions> options)
{
    public async Task<DefaultSourceState> EnsureAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DefaultWriteKey is not { Length: > 0 } key)
        {
            var (source, newKey) = await sources.EnsureDefaultSourceAsync(cancellationToken);
            return new DefaultSourceState(source, newKey, newKey is not null, Configured: false);
        }

        if (await directory.FindByWriteKeyAsync(key, cancellationToken) is { } known)
        {
            return new DefaultSourceState(known, key, Created: false, Configured: true);
        }

        try
        {
            var added = await sources.AddSourceAsync(SqliteSourceDirectory.DefaultName, key, cancellationToken);
            return new DefaultSourceState(added, key, Created: true, Configured: true);
        }
        catch (InvalidOperationException)
        {
            // Another process starting on the same data directory added it first; anything else is a real fault.
            var winner = await directory.FindByWriteKeyAsync(key, cancellationToken);
            return winner is null ? throw new InvalidOperationException("could not create the default source") : new DefaultSourceState(winner, key, Created: false, Configured: true);
        }
    }
}
