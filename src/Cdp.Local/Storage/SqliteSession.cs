using Microsoft.Data.Sqlite;

namespace Cdp.Local.Storage;

/// <summary>
/// One open connection with its prepared statements. Statements are prepared once per connection and
/// reused, which is what keeps a point read or write down to a few microseconds on the hot path.
/// </summary>
public sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    internal SqliteTransaction? Transaction { get; set; }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> (a constant), bound to the session's transaction.
    /// Parameters are created on first use in the order named; set their values by index.
    /// </summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
#pragma warning disable CA2100 // Callers pass constant SQL; values always travel as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (var name in parameterNames)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Prepare();
            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        return command;
    }

    /// <summary>Runs <paramref name="work"/> alone on this connection (tasks inside one transaction may overlap).</summary>
    internal T Run<T>(Func<SqliteSession, T> work)
    {
        lock (_gate)
        {
            return work(this);
        }
    }

    /// <summary>Runs a statement that needs no caching (schema, pragmas).</summary>
    internal void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
#pragma warning disable CA2100 // Schema scripts and pragmas are constants of this assembly or of a registered schema part.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = Transaction;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
