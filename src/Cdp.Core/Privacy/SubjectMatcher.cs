using System.Buffers;
using System.Text;
using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Identity;

namespace Cdp.Core.Privacy;

/// <summary>Makes <see cref="SubjectMatcher"/>s with the deployment's identifier rules and pepper.</summary>
public sealed class SubjectMatchers(IdentifierExtractor extractor, IdentityHasher hasher)
{
    public SubjectMatcher For(IEnumerable<SubjectIdentity> identities) => new(identities, extractor, hasher);

    /// <summary>The identity id (<c>{type}:{keyed hash}</c>) of a subject identity.</summary>
    public string IdentityId(SubjectIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return hasher.IdentityId(new Identifier(identity.Type, identity.Value));
    }
}

/// <summary>What rewriting an NDJSON file without the subject left.</summary>
public sealed record NdjsonFilterResult(byte[] Kept, int Removed, IReadOnlyList<string> RemovedMessageIds);

/// <summary>
/// Decides whether an archived event is the subject's: one of its identifiers hashes to one of the subject's identity ids
/// (found with the same extractor as ingestion), or it mentions the subject elsewhere: a string equal to one of their
/// values, containing a distinctive one (an email, a phone, any long id), or containing one of their identity hashes.
/// </summary>
public sealed class SubjectMatcher
{
    // Short values (userId "42") are matched only whole; longer ones also inside other strings (a URL, a note).
    private const int DistinctiveLength = 12;

    private readonly IdentifierExtractor _extractor;
    private readonly IdentityHasher _hasher;
    private readonly HashSet<string> _identityIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _distinctive = [];
    private readonly List<string> _hashes = [];
    private readonly List<byte[]> _rawNeedles = [];

    internal SubjectMatcher(IEnumerable<SubjectIdentity> identities, IdentifierExtractor extractor, IdentityHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(identities);
        _extractor = extractor;
        _hasher = hasher;
        foreach (var identity in identities)
        {
            var hashed = hasher.WithHash(new Identifier(identity.Type, identity.Value));
            _identityIds.Add(hashed.IdentityId);
            var hash = hashed.IdentityId[(identity.Type.Length + 1)..];
            _hashes.Add(hash);
            _values.Add(identity.Value);
            if (identity.Type is IdentifierTypes.Email or IdentifierTypes.Phone || identity.Value.Length >= DistinctiveLength)
            {
                _distinctive.Add(identity.Value);
            }

            _rawNeedles.Add(Encoding.UTF8.GetBytes(identity.Value));
            _rawNeedles.Add(Encoding.UTF8.GetBytes(hash));
        }
    }

    public IReadOnlyCollection<string> IdentityIds => _identityIds;

    /// <summary>Removes the subject's lines; other lines are kept byte for byte.</summary>
    public NdjsonFilterResult Filter(ReadOnlySpan<byte> ndjson)
    {
        var kept = new ArrayBufferWriter<byte>(ndjson.Length);
        var removed = 0;
        var messageIds = new List<string>();
        foreach (var range in Split(ndjson))
        {
            var line = ndjson[range];
            if (IsSubjects(line, out var messageId))
            {
                removed++;
                if (messageId is not null)
                {
                    messageIds.Add(messageId);
                }

                continue;
            }

            kept.Write(line);
            kept.Write("\n"u8);
        }

        return new NdjsonFilterResult(kept.WrittenSpan.ToArray(), removed, messageIds);
    }

    /// <summary>How many lines are the subject's (verification: zero after a rewrite).</summary>
    public int CountTraces(ReadOnlySpan<byte> ndjson)
    {
        var traces = 0;
        foreach (var range in Split(ndjson))
        {
            if (IsSubjects(ndjson[range], out _))
            {
                traces++;
            }
        }

        return traces;
    }

    /// <summary>True when <paramref name="value"/> is one of the subject's values, or contains a distinctive one or an identity hash.</summary>
    public bool Mentions(string value) =>
        _values.Contains(value.Trim())
        || _distinctive.Exists(v => value.Contains(v, StringComparison.OrdinalIgnoreCase))
        || _hashes.Exists(h => value.Contains(h, StringComparison.OrdinalIgnoreCase));

    private bool IsSubjects(ReadOnlySpan<byte> line, out string? messageId)
    {
        messageId = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException)
        {
            // Not JSON (a damaged line): judged on its bytes.
            foreach (var needle in _rawNeedles)
            {
                if (line.IndexOf(needle) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                SegmentEvent? e = null;
                try
                {
                    e = document.RootElement.Deserialize(CdpJsonContext.Default.SegmentEvent);
                }
                catch (JsonException)
                {
                    // Valid JSON but not an event: only the mention check below applies.
                }

                messageId = e?.MessageId;
                if (e is not null && _extractor.Extract(e).Exists(id => _identityIds.Contains(_hasher.IdentityId(id))))
                {
                    return true;
                }
            }

            return MentionsIn(document.RootElement);
        }
    }

    private bool MentionsIn(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (Mentions(property.Name) || MentionsIn(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (MentionsIn(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.String:
                return Mentions(element.GetString()!);
            case JsonValueKind.Number:
                return _values.Contains(element.GetRawText());
            default:
                return false;
        }
    }

    private static List<Range> Split(ReadOnlySpan<byte> ndjson)
    {
        var ranges = new List<Range>();
        var start = 0;
        while (start < ndjson.Length)
        {
            var end = ndjson[start..].IndexOf((byte)'\n');
            var stop = end < 0 ? ndjson.Length : start + end;
            if (stop > start && !ndjson[start..stop].Trim("\r \t"u8).IsEmpty)
            {
                ranges.Add(new Range(start, stop));
            }

            start = stop + 1;
        }

        return ranges;
    }
}
