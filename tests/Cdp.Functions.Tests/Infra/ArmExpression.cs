namespace Cdp.Functions.Tests.Infra;

/// <summary>
/// Just enough of the ARM template expression syntax to read what Bicep compiles an object with a spread into:
/// a function's top-level arguments, and a string literal's text. Strings are single-quoted with '' for a quote.
/// </summary>
internal static class ArmExpression
{
    /// <summary>
    /// The arguments of the function call whose '(' ends just before <paramref name="start"/>, as written, and the index
    /// just past its closing ')'; null when the call is not closed.
    /// </summary>
    public static (List<string> Arguments, int End)? Arguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var quoted = false;
        var from = start;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                // '' inside a string toggles twice: out and back in.
                quoted = !quoted;
            }
            else if (quoted)
            {
                continue;
            }
            else if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']' && depth > 0)
            {
                depth--;
            }
            else if (c == ')')
            {
                if (i > from || arguments.Count > 0)
                {
                    arguments.Add(text[from..i].Trim());
                }

                return (arguments, i + 1);
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text[from..i].Trim());
                from = i + 1;
            }
        }

        return null;
    }

    /// <summary>The text of a single-quoted string literal; null when the argument is any other expression.</summary>
    public static string? StringLiteral(string argument) =>
        argument.Length >= 2 && argument[0] == '\'' && argument[^1] == '\''
            && !argument[1..^1].Replace("''", string.Empty, StringComparison.Ordinal).Contains('\'', StringComparison.Ordinal)
            ? argument[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : null;
}
