using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.Data.Sqlite;

namespace Cdp.Local.Storage;

/// <summary>
/// JSON bodies side by side in one buffer rented from the shared array pool, and given back on <see cref="Dispose"/>:
/// serialized into it (<see cref="Add{T}"/>) to be bound as BLOB parameters, or copied into it from BLOB columns
/// (<see cref="Read"/>) to be deserialized. The bodies of a batch's profiles, timeline rows and queued events are most of
/// the garbage a batch leaves that is not the documents' own objects, so on the hot path they come from here. Look a
/// body up when it is used: the next <see cref="Add{T}"/> or <see cref="Read"/> may move the buffer, and
/// <see cref="Dispose"/> gives it back (a document deserialized from a body keeps no reference to it).
/// </summary>
internal sealed class PooledBodies : IDisposable
{
    private readonly ArrayPoolBufferWriter<byte> _buffer = new();
    private readonly List<(int Start, int Length)> _bodies = [];
    private Utf8JsonWriter? _writer;

    public int Count => _bodies.Count;

    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            var (start, length) = _bodies[index];
            return _buffer.WrittenMemory.Slice(start, length);
        }
    }

    /// <summary>Serializes <paramref name="document"/> as the next body; returns its index.</summary>
    public int Add<T>(T document, JsonTypeInfo<T> type)
    {
        var start = _buffer.WrittenCount;
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_buffer);
        }
        else
        {
            _writer.Reset(_buffer);
        }

        JsonSerializer.Serialize(_writer, document, type);
        _writer.Flush();
        return Added(start);
    }

    /// <summary>Copies the BLOB in column <paramref name="ordinal"/> of the reader's row as the next body; returns its index.</summary>
    public int Read(SqliteDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var start = _buffer.WrittenCount;
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        if (length > 0)
        {
            // GetBytes copies from SQLite's own row into an array, without a byte[] of the body's size in between.
            if (!MemoryMarshal.TryGetArray<byte>(_buffer.GetMemory(length), out var target))
            {
                throw new InvalidOperationException("a pooled buffer is not backed by an array");
            }

            reader.GetBytes(ordinal, 0, target.Array, target.Offset, length);
            _buffer.Advance(length);
        }

        return Added(start);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _buffer.Dispose();
    }

    private int Added(int start)
    {
        _bodies.Add((start, _buffer.WrittenCount - start));
        return _bodies.Count - 1;
    }
}
