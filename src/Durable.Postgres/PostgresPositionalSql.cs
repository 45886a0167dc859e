using System.Collections.Concurrent;
using System.Text;

namespace Durable.Postgres;

/// <summary>
/// A statement's text with its named parameters (<c>@name</c>) replaced by PostgreSQL's positional ones (<c>$1</c>),
/// and the names in position order. Npgsql sends a command with positional parameters as it is; with named ones it
/// parses and rewrites the text on every call (2% of a busy host's CPU). The store keeps writing readable names, and
/// each distinct text is rewritten once.
/// </summary>
internal sealed class PostgresPositionalSql
{
    // The store has a few dozen texts (the instance queries combine filters); the cap only guards against a caller
    // that builds texts without end, which are then rewritten on every call instead of filling memory.
    private const int CacheCapacity = 512;

    private static readonly ConcurrentDictionary<string, PostgresPositionalSql> Cache = new(StringComparer.Ordinal);

    private PostgresPositionalSql(string sql, string[] names)
    {
        this.Sql = sql;
        this.Names = names;
    }

    /// <summary>The text with <c>$n</c> placeholders.</summary>
    public string Sql { get; }

    /// <summary>The parameter names, the first at <c>$1</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The rewrite of one statement's text, from the cache when it was seen before.</summary>
    /// <exception cref="InvalidOperationException">The text holds more than one statement.</exception>
    public static PostgresPositionalSql Of(string sql)
    {
        if (Cache.TryGetValue(sql, out PostgresPositionalSql? known))
        {
            return known;
        }

        PostgresPositionalSql rewritten = Rewrite(sql);
        if (Cache.Count < CacheCapacity)
        {
            Cache.TryAdd(sql, rewritten);
        }

        return rewritten;
    }

    /// <summary>The values of <paramref name="parameters"/> in position order; parameters the text does not use are left out.</summary>
    /// <exception cref="InvalidOperationException">The text uses a name that has no value.</exception>
    public object?[] Values(IReadOnlyList<(string Name, object? Value)> parameters)
    {
        object?[] values = new object?[this.Names.Count];
        for (int position = 0; position < values.Length; position++)
        {
            string name = this.Names[position];
            int index = IndexOf(parameters, name);
            if (index < 0)
            {
                throw new InvalidOperationException($"The statement uses @{name}, which was given no value: {this.Sql}");
            }

            values[position] = parameters[index].Value;
        }

        return values;
    }

    private static int IndexOf(IReadOnlyList<(string Name, object? Value)> parameters, string name)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static PostgresPositionalSql Rewrite(string sql)
    {
        StringBuilder text = new(sql.Length);
        List<string> names = [];
        int i = 0;
        while (i < sql.Length)
        {
            char c = sql[i];
            int end = c switch
            {
                '\'' => EndOfLiteral(sql, i, backslashEscapes: i > 0 && sql[i - 1] is 'E' or 'e' && (i < 2 || !IsNameChar(sql[i - 2]))),
                '"' => EndOfLiteral(sql, i, backslashEscapes: false),
                '-' when At(sql, i + 1, '-') => EndOfLine(sql, i),
                '/' when At(sql, i + 1, '*') => EndOfBlockComment(sql, i),
                '$' when i == 0 || !IsNameChar(sql[i - 1]) => EndOfDollarQuote(sql, i),
                _ => i + 1,
            };

            if (c == ';')
            {
                throw new InvalidOperationException($"A command with parameters holds one statement; this text has more: {sql}");
            }

            if (c == '@' && (i == 0 || !IsNameChar(sql[i - 1])) && i + 1 < sql.Length && (char.IsAsciiLetter(sql[i + 1]) || sql[i + 1] == '_'))
            {
                end = i + 1;
                while (end < sql.Length && IsNameChar(sql[end]) && sql[end] != '$')
                {
                    end++;
                }

                string name = sql[(i + 1)..end];
                int position = names.IndexOf(name);
                if (position < 0)
                {
                    names.Add(name);
                    position = names.Count - 1;
                }

                text.Append('$').Append(position + 1);
            }
            else
            {
                text.Append(sql, i, end - i);
            }

            i = end;
        }

        return new PostgresPositionalSql(text.ToString(), [.. names]);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';

    private static bool At(string sql, int index, char c) => index < sql.Length && sql[index] == c;

    /// <summary>Past the closing quote of a literal or quoted name opening at <paramref name="start"/> (a doubled quote is one).</summary>
    private static int EndOfLiteral(string sql, int start, bool backslashEscapes)
    {
        char quote = sql[start];
        int i = start + 1;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (!At(sql, i + 1, quote))
                {
                    return i + 1;
                }

                i += 2;
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    private static int EndOfLine(string sql, int start)
    {
        int newline = sql.IndexOf('\n', start);
        return newline < 0 ? sql.Length : newline + 1;
    }

    /// <summary>Past the end of a block comment; PostgreSQL's nest.</summary>
    private static int EndOfBlockComment(string sql, int start)
    {
        int depth = 0;
        int i = start;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && At(sql, i + 1, '*'))
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && At(sql, i + 1, '/'))
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    /// <summary>Past a dollar-quoted string (<c>$tag$ … $tag$</c>) opening at <paramref name="start"/>; just past the '$' if none opens there.</summary>
    private static int EndOfDollarQuote(string sql, int start)
    {
        int i = start + 1;
        if (i < sql.Length && char.IsAsciiDigit(sql[i]))
        {
            return start + 1;
        }

        while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '_'))
        {
            i++;
        }

        if (!At(sql, i, '$'))
        {
            return start + 1;
        }

        string tag = sql[start..(i + 1)];
        int close = sql.IndexOf(tag, i + 1, StringComparison.Ordinal);
        return close < 0 ? sql.Length : close + tag.Length;
    }
}
