using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using CsCheck;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>
/// Bad input never costs a valid neighbour and never escapes as an exception (a 5xx): random valid batches with
/// random items broken, and random bytes of the body broken.
/// </summary>
public sealed class EventIntakePropertyTests : IDisposable
{
    private static readonly Gen<string> GenId = Gen.Char["abcdefXYZ0123456789-_.@"].Array[1, 20].Select(c => new string(c));

    private static readonly Gen<ItemSpec> GenItem = Gen.Select(
        Gen.Int[0, 5], Gen.Int[0, 3], GenId, GenId, Gen.Bool,
        (kind, ids, id, name, withTimestamp) => new ItemSpec(kind, ids, id, name, withTimestamp));

    private static readonly Gen<Corruption> GenCorruption = Gen.Frequency(
        (4, Gen.Const(Corruption.None)),
        (3, Gen.Enum<Corruption>()));

    private static readonly Gen<List<(ItemSpec Item, Corruption Corruption)>> GenBatch =
        Gen.Select(GenItem, GenCorruption).List[1, 12];

    // Bytes that change meaning in JSON or break UTF-8.
    private static readonly byte[] NastyBytes = "\"{}[],:\\u0-e. \n"u8.ToArray().Concat(new byte[] { 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF }).ToArray();

    private readonly CoreHarness _core = new();

    public EventIntakePropertyTests() => _ = _core.Intake;

    public enum Corruption
    {
        None,
        NoIds,
        UserIdIsObject,
        UnknownType,
        NotAnObject,
        TrackWithoutEvent,
        TimestampNotADate,
        TraitsNotAnObject,
        Oversized,
        MessageIdTooLong,
    }

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task AcceptAsync_ItemsBrokenAtRandom_AcceptsExactlyTheIntactOnesAndReportsEachBrokenOneByIndex()
    {
        await GenBatch.SampleAsync(async items =>
        {
            var batch = new BatchBuilder();
            for (var i = 0; i < items.Count; i++)
            {
                batch.AddRaw(Break(items[i].Item.Build(i), items[i].Corruption));
            }

            var result = await _core.BatchAsync(batch);

            var intact = Enumerable.Range(0, items.Count).Where(i => items[i].Corruption == Corruption.None).ToList();
            Assert.Equal(intact.Count > 0 ? IntakeStatus.Accepted : IntakeStatus.Invalid, result.Status);
            Assert.Equal(intact.Select(i => "m" + i), result.Accepted.Select(e => e.MessageId));
            Assert.Equal(Enumerable.Range(0, items.Count).Except(intact), result.Rejected.Select(r => r.Index));
            Assert.All(result.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task AcceptAsync_BodyBytesBrokenAtRandom_NeverThrowsAndKeepsEveryIntactItem()
    {
        var gen = Gen.Select(GenItem.List[1, 6], Gen.Int[0, 2], Gen.Int.Positive, Gen.Int[0, NastyBytes.Length - 1], (items, kind, where, what) => (items, kind, where, what));
        await gen.SampleAsync(async sample =>
        {
            var (items, kind, where, what) = sample;
            var texts = items.Select((item, i) => item.Build(i).ToJsonString()).ToList();
            var prefix = "{\"batch\":[";
            var body = Encoding.UTF8.GetBytes(prefix + string.Join(",", texts) + "]}").ToList();
            var position = where % body.Count;
            switch (kind)
            {
                case 0: body[position] = NastyBytes[what]; break;
                case 1: body.RemoveAt(position); break;
                default: body.Insert(position, NastyBytes[what]); break;
            }

            IntakeResult result;
            try
            {
                result = await _core.SendAsync(IngestRoute.Batch, [.. body], CoreHarness.Basic(CoreHarness.WriteKey));
            }
            catch (Exception ex)
            {
                Assert.Fail($"intake threw {ex.GetType().Name}: {ex.Message}");
                return;
            }

            Assert.True(Enum.IsDefined(result.Status));
            Assert.Equal(result.Status == IntakeStatus.Accepted, result.Accepted.Count > 0);
            Assert.Equal(result.Status == IntakeStatus.Accepted, result.Error is null);

            // Items whose text is unchanged at the same index, in a body that is still a batch, must be accepted.
            foreach (var i in IntactItems([.. body], texts))
            {
                Assert.Contains(result.Accepted, e => e.MessageId == "m" + i);
            }
        }, iter: 1500, threads: 1);
    }

    [Fact]
    public async Task AcceptAsync_SingleCallBytesBrokenAtRandom_NeverThrows()
    {
        var gen = Gen.Select(GenItem, Gen.Enum<IngestRoute>(), Gen.Int.Positive, Gen.Int[0, NastyBytes.Length - 1].Array[1, 4]);
        await gen.SampleAsync(async (item, route, where, what) =>
        {
            var body = Encoding.UTF8.GetBytes(item.Build(0).ToJsonString()).ToList();
            for (var i = 0; i < what.Length; i++)
            {
                body[(int)((where + (7L * i)) % body.Count)] = NastyBytes[what[i]];
            }

            var result = await _core.SendAsync(route, [.. body], CoreHarness.Basic(CoreHarness.WriteKey));

            Assert.True(Enum.IsDefined(result.Status));
        }, iter: 1000, threads: 1);
    }

    [Theory]
    [InlineData("{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u\xFF\"}]}")]
    [InlineData("{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"traits\":{\"\xFF\":1}}]}")]
    [InlineData("{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\"}],\"writeKey\":\"\xC3\"}")]
    [InlineData("{\"\xFF\":1,\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\"}]}")]
    [InlineData("{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\"}],\"context\":{\"\xED\xA0\x80\":1}}")]
    public async Task AcceptAsync_InvalidUtf8AnywhereInTheBody_IsRefusedNotThrown(string latin1Body)
    {
        // The strings above use \xNN for raw bytes: Latin-1 turns each char back into that byte.
        var body = Encoding.Latin1.GetBytes(latin1Body);

        var result = await _core.SendAsync(IngestRoute.Batch, body, CoreHarness.Basic(CoreHarness.WriteKey));

        Assert.True(Enum.IsDefined(result.Status));
    }

    private static IEnumerable<int> IntactItems(byte[] body, List<string> originals)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            yield break;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("batch", out var batch)
                || batch.ValueKind != JsonValueKind.Array
                || batch.GetArrayLength() != originals.Count
                || document.RootElement.EnumerateObject().Count() != 1)
            {
                yield break;
            }

            var index = 0;
            foreach (var item in batch.EnumerateArray())
            {
                // Raw bytes, not text: a broken item may hold invalid UTF-8 that cannot become a string.
                if (JsonMarshal.GetRawUtf8Value(item).SequenceEqual(Encoding.UTF8.GetBytes(originals[index])))
                {
                    yield return index;
                }

                index++;
            }
        }
    }

    private static JsonNode? Break(JsonObject item, Corruption corruption)
    {
        switch (corruption)
        {
            case Corruption.None:
                return item;
            case Corruption.NoIds:
                item.Remove("userId");
                item.Remove("anonymousId");
                return item;
            case Corruption.UserIdIsObject:
                item["userId"] = new JsonObject { ["id"] = 1 };
                return item;
            case Corruption.UnknownType:
                item["type"] = "purchase";
                return item;
            case Corruption.NotAnObject:
                return new JsonArray(item);
            case Corruption.TrackWithoutEvent:
                item["type"] = "track";
                item.Remove("event");
                return item;
            case Corruption.TimestampNotADate:
                item["timestamp"] = "next thursday";
                return item;
            case Corruption.TraitsNotAnObject:
                item["traits"] = new JsonArray("vip");
                return item;
            case Corruption.Oversized:
                item["padding"] = new string('x', IngestionLimits.MaxEventBytes);
                return item;
            case Corruption.MessageIdTooLong:
                item["messageId"] = new string('m', EventNormalizer.MaxMessageIdLength + 1);
                return item;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption));
        }
    }

    /// <summary>A valid item of one of the six call types; its messageId is "m{index}".</summary>
    public sealed record ItemSpec(int Kind, int IdMode, string Id, string Name, bool WithTimestamp)
    {
        public JsonObject Build(int index)
        {
            var e = Kind switch
            {
                0 => EventBuilder.Track(Name).Property("revenue", 9.5),
                1 => EventBuilder.Identify().Trait("email", Id + "@example.com").Trait("plan", Name),
                2 => EventBuilder.Page(Name),
                3 => EventBuilder.Screen(Name),
                4 => EventBuilder.Group(Name),
                _ => EventBuilder.Alias(Name),
            };
            e.MessageId("m" + index);
            if (IdMode is 0 or 2 || Kind == 5)
            {
                e.UserId(Id);
            }

            if (IdMode is 1 or 2)
            {
                e.AnonymousId("anon-" + Id);
            }

            if (IdMode == 3)
            {
                e.UserId(Id.Length);
            }

            if (WithTimestamp)
            {
                e.Timestamp(TestOptions.Now.AddMinutes(-Id.Length));
            }

            return e.ToNode();
        }
    }
}
