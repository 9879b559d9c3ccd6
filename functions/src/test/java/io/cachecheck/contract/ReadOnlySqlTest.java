package io.cachecheck.contract;

import io.cachecheck.contract.SourceSettings.Dialect;
import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadOnlySqlTest {
    private static void accepted(String sql, Dialect dialect) {
        assertThatCode(() -> ReadOnlySql.check(sql, "tenants.sql", dialect)).as(sql).doesNotThrowAnyException();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(String sql, Dialect dialect) {
        return assertThatThrownBy(() -> ReadOnlySql.check(sql, "tenants.sql", dialect)).as(sql).isInstanceOf(ContractException.class);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void readingQueries_areAccepted(Dialect dialect) {
        accepted("SELECT tenant_id FROM tenants WHERE active", dialect);
        accepted("  select tenant_id from tenants;  ", dialect); // one trailing ';' is still one statement
        accepted("SELECT id FROM t WHERE note <> 'a;b' AND x = \"c;d\" -- no; statement here\n", dialect);
        accepted("(SELECT a FROM t) UNION ALL (SELECT b FROM u)", dialect);
        accepted("WITH x AS (SELECT 1 AS id) SELECT id FROM x", dialect);
        accepted("SELECT updated_at, last_update, deleted FROM t /* ; */", dialect);
        accepted("SELECT \"update\" FROM t WHERE status <> 'delete'", dialect);
        accepted("VALUES (1)", dialect);
        accepted("TABLE tenants", dialect);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void stackedStatements_areRefusedNamingThePosition(Dialect dialect) {
        refused("SELECT flag FROM flags WHERE flag IN (:flag); DROP TABLE flags; --", dialect)
                .hasMessage("tenants.sql: holds more than one statement (the ';' at line 1, column 45 is followed by more"
                        + " SQL); a contract query is a single SELECT: remove the ';' and what follows it");
        refused("SELECT 1;\nSELECT 2", dialect).hasMessageContaining("the ';' at line 1, column 9");
        refused("SELECT 1;;", dialect).hasMessageContaining("holds more than one statement");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void writingStatements_areRefusedByTheirFirstKeyword(Dialect dialect) {
        refused("DELETE FROM tenants WHERE tenant_id = 'x' RETURNING tenant_id, shard", dialect)
                .hasMessage("tenants.sql: starts with DELETE, not SELECT or WITH; a contract query only reads: write a single"
                        + " SELECT (or WITH ... SELECT) that returns the rows");
        for (String sql : new String[]{"update t set a = 1", "INSERT INTO t VALUES (1)", "/* c */ TRUNCATE t", "CALL p()",
                "EXPLAIN ANALYZE DELETE FROM t", "SET ROLE admin", "COPY t TO '/tmp/x'", "-- c\nDROP TABLE t"}) {
            refused(sql, dialect).hasMessageContaining("not SELECT or WITH");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void wordsOfWritingStatements_areRefusedInsideAQuery(Dialect dialect) {
        refused("WITH d AS (DELETE FROM tenants RETURNING tenant_id) SELECT tenant_id FROM d", dialect)
                .hasMessageStartingWith("tenants.sql: contains DELETE (at line 1, column 12), which only a statement that"
                        + " writes or locks rows needs; a contract query only reads");
        refused("SELECT tenant_id INTO copy FROM tenants", dialect).hasMessageContaining("contains INTO");
        refused("SELECT tenant_id FROM tenants INTO OUTFILE '/tmp/t'", dialect).hasMessageContaining("contains INTO");
        refused("SELECT tenant_id FROM tenants FOR UPDATE", dialect).hasMessageContaining("contains UPDATE");
    }

    @Test
    void postgres_dollarQuotesEscapeStringsAndNestedComments_hideNoSeparator() {
        // $$...$$ hides a quote from a naive reader: the ';' between the two dollar-quoted strings is real
        refused("SELECT $$'$$; DELETE FROM t; SELECT $$'$$", Dialect.POSTGRESQL).hasMessageContaining("column 13");
        accepted("SELECT $$a;b$$, $tag$ ; $tag$ FROM t", Dialect.POSTGRESQL);
        // E'...' escapes with a backslash even with standard_conforming_strings on
        refused("SELECT E'\\''; DELETE FROM t; --'", Dialect.POSTGRESQL).hasMessageContaining("more than one statement");
        accepted("SELECT E'it\\'s; fine' FROM t", Dialect.POSTGRESQL);
        // nested block comments
        accepted("SELECT 1 /* a /* b */ ; */ FROM t", Dialect.POSTGRESQL);
        refused("SELECT 1 /* a /* b */ */ ; DELETE FROM t", Dialect.POSTGRESQL).hasMessageContaining("more than one statement");
    }

    @Test
    void postgres_withStandardConformingStringsOff_aBackslashQuoteCannotHideASeparator() {
        // on (the default) the literal is '\' and the ';' follows it; off, it is one literal: refused either way
        refused("SELECT '\\'; DELETE FROM t; --'", Dialect.POSTGRESQL).hasMessageContaining("more than one statement");
        // on, this is two literals ('x\' and ';'); off, the first literal runs to the second quote and the ';' is code
        refused("SELECT 'x\\', ';' FROM t", Dialect.POSTGRESQL).hasMessageContaining("more than one statement");
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"MYSQL", "MARIADB"})
    void mysql_commentsAndQuotesAreReadAsTheServerReadsThem(Dialect dialect) {
        // "--" without a space is no comment in MySQL: 1 --1 is 1 - -1, and the ';' is real
        refused("SELECT 1 --1; DELETE FROM t", dialect).hasMessageContaining("more than one statement");
        accepted("SELECT 1 -- ; not code\nFROM t", dialect);
        accepted("SELECT 1 # ; a comment\nFROM t", dialect);
        // /*! ... */ is code to MySQL
        refused("SELECT 1 /*! ; DELETE FROM t */", dialect).hasMessageContaining("more than one statement");
        // backslash escapes (the default) and NO_BACKSLASH_ESCAPES: a ';' outside the literal under either is refused
        // ('a\';' is one literal by default, but 'a\' and code after it with NO_BACKSLASH_ESCAPES)
        refused("SELECT 'a\\';' AS x FROM t", dialect).hasMessageContaining("more than one statement");
        accepted("SELECT 'it\\'s fine', \"x;y\", `a;b` FROM t", dialect);
        // ANSI_QUOTES: "..." is an identifier, where a backslash escapes nothing
        refused("SELECT \"a\\\";\" AS x FROM t", dialect).hasMessageContaining("more than one statement");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anUnterminatedQuote_isRefusedWithItsPosition(Dialect dialect) {
        refused("SELECT tenant_id FROM tenants WHERE note = 'x", dialect)
                .hasMessage("tenants.sql: unterminated ' quote starting at line 1, column 44; close it");
    }
}
