using Durable.Postgres;

namespace Durable.Stores.Tests;

/// <summary>
/// The store's named parameters become PostgreSQL's positional ones once per SQL text, so Npgsql sends a command as it
/// is instead of parsing and rewriting its text on every call.
/// </summary>
public sealed class PostgresPositionalSqlTests
{
    [Fact]
    public void Of_NameUsedTwice_OnePositionInOrderOfFirstUse()
    {
        // Act
        PostgresPositionalSql positional = PostgresPositionalSql.Of("SELECT 1 FROM t WHERE hub = @hub AND id = @id AND h2 = @hub");

        // Assert
        Assert.Equal("SELECT 1 FROM t WHERE hub = $1 AND id = $2 AND h2 = $1", positional.Sql);
        Assert.Equal(["hub", "id"], positional.Names);
    }

    [Fact]
    public void Of_AtSignsInLiteralsIdentifiersCommentsAndOperators_LeftAlone()
    {
        // Arrange
        const string sql =
            "SELECT '@a', 'it''s @b', \"@c\", E'\\'@d', $q$ @e $q$, x::text, j @> '{}' -- @f\n" +
            "/* @g /* @h */ @i */ FROM t WHERE v = @v";

        // Act
        PostgresPositionalSql positional = PostgresPositionalSql.Of(sql);

        // Assert
        Assert.Equal(sql.Replace("= @v", "= $1", StringComparison.Ordinal), positional.Sql);
        Assert.Equal(["v"], positional.Names);
    }

    [Fact]
    public void Of_NameGluedToAWord_NotAParameter()
    {
        // Act: an e-mail-like word is not a placeholder; a placeholder ends at the first character no name has.
        PostgresPositionalSql positional = PostgresPositionalSql.Of("SELECT a@b, @p1+@p_2");

        // Assert
        Assert.Equal("SELECT a@b, $1+$2", positional.Sql);
        Assert.Equal(["p1", "p_2"], positional.Names);
    }

    [Fact]
    public void Of_TwoStatementsWithParameters_Refused()
    {
        // Act: positional parameters take one statement per command; a second would fail on the server, later and vaguely.
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => PostgresPositionalSql.Of("UPDATE t SET a = @a; DELETE FROM t"));

        // Assert
        Assert.Contains("one statement", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_SameText_RewrittenOnce()
    {
        // Arrange: a text built anew each time, as the store's schema substitution does.
        string first = string.Concat("SELECT @a FROM ", "t");
        string second = string.Concat("SELECT @a FROM ", "t");

        // Act
        PostgresPositionalSql a = PostgresPositionalSql.Of(first);
        PostgresPositionalSql b = PostgresPositionalSql.Of(second);

        // Assert
        Assert.Same(a, b);
    }

    [Fact]
    public void Values_ParameterMissing_NamesIt()
    {
        // Arrange
        PostgresPositionalSql positional = PostgresPositionalSql.Of("SELECT @a, @b");

        // Act
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => positional.Values([("a", 1)]));

        // Assert
        Assert.Contains("@b", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_InPositionOrder_UnusedIgnored()
    {
        // Arrange
        PostgresPositionalSql positional = PostgresPositionalSql.Of("SELECT @b, @a");

        // Act
        object?[] values = positional.Values([("a", 1), ("unused", 3), ("b", null)]);

        // Assert
        Assert.Equal([null, 1], values);
    }
}
