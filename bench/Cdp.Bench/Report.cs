using System.Globalization;

namespace Cdp.Bench;

/// <summary>One measured figure and, where the project set one, the target it is judged against.</summary>
/// <param name="Format">How <see cref="Value"/> is printed: whole numbers unless a figure needs decimals (a ratio).</param>
internal sealed record Figure(string Name, double Value, string Unit, string Detail, string? Target = null, bool? Met = null, string Format = "N0")
{
    public string FormattedValue => double.IsNaN(Value) ? "n/a" : Value.ToString(Format, CultureInfo.InvariantCulture);

    public string Verdict => Target is null ? string.Empty : $"{Target} {(Met == true ? "(met)" : "(MISSED)")}";
}

/// <summary>Prints the figures as a table, their details, and one line per figure to paste into a README.</summary>
internal static class Report
{
    public static void Print(IReadOnlyList<Figure> figures, string machine, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(output);
        var nameWidth = figures.Max(f => f.Name.Length);
        var valueWidth = Math.Max(5, figures.Max(f => f.FormattedValue.Length));
        var unitWidth = figures.Max(f => f.Unit.Length);
        var verdictWidth = Math.Max(6, figures.Max(f => f.Verdict.Length));
        var rule = new string('-', 4 + nameWidth + 3 + valueWidth + 2 + unitWidth + 3 + verdictWidth);

        output.WriteLine();
        output.WriteLine($"{"#",-2}  {"Figure".PadRight(nameWidth)}   {"Value".PadLeft(valueWidth)}  {"Unit".PadRight(unitWidth)}   Target");
        output.WriteLine(rule);
        for (var i = 0; i < figures.Count; i++)
        {
            var f = figures[i];
            output.WriteLine($"{i + 1,-2}  {f.Name.PadRight(nameWidth)}   {f.FormattedValue.PadLeft(valueWidth)}  {f.Unit.PadRight(unitWidth)}   {f.Verdict}");
        }

        output.WriteLine(rule);
        output.WriteLine();
        output.WriteLine("Details:");
        for (var i = 0; i < figures.Count; i++)
        {
            output.WriteLine($"{i + 1,-2}  {figures[i].Detail}");
        }

        output.WriteLine();
        output.WriteLine($"For the README (measured on {machine}):");
        foreach (var f in figures)
        {
            output.WriteLine($"- {f.Name}: {f.FormattedValue} {f.Unit}{(f.Target is null ? string.Empty : $" (target {f.Target}: {(f.Met == true ? "met" : "missed")})")}");
        }
    }
}
