using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Data.Sqlite;

namespace Cdp.Local.Storage;

/// <summary>
/// Reads rows by many keys: one <c>SELECT ... WHERE key IN (...)</c> per chunk of at most <see cref="MaxKeys"/> bound
/// parameters. A chunk's key list is padded to a power of two by repeating its last key (a repeat matches no further
/// row), so a connection prepares a handful of statements rather than one for every number of keys a batch brings.
/// </summary>
internal static class SqliteKeyedSelect
{
    public const int MaxKeys = 500;

    private static readonly string[] ParameterNames = Enumerable.Range(0, MaxKeys).Select(i => $"$k{i}").ToArray();
    private static readonly ConcurrentDictionary<(string Head, int Size), string> Statements = new();

    /// <param name="selectWhereKeyIn">The constant statement up to its key list, ending in <c>IN (</c>.</param>
    /// <param name="row">Called for each row found, on the reader positioned at it.</param>
    public static void Read(SqliteSession session, string selectWhereKeyIn, IReadOnlyCollection<string> keys, Action<SqliteDataReader> row)
    {
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(MaxKeys))
        {
            var size = Math.Min(MaxKeys, (int)BitOperations.RoundUpToPowerOf2((uint)chunk.Length));
            var sql = Statements.GetOrAdd((selectWhereKeyIn, size), static s => s.Head + string.Join(", ", ParameterNames.Take(s.Size)) + ")");
            var command = session.Command(sql, ParameterNames.AsSpan(0, size));
            for (var i = 0; i < size; i++)
            {
                command.Parameters[i].Value = chunk[Math.Min(i, chunk.Length - 1)];
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                row(reader);
            }
        }
    }
}
