package io.cachecheck.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Makes a named server-side statement fail, rather than answer, when it runs in place of another one.
 *
 * <p>Behind a pooler in transaction mode that does not track prepared statements (PgBouncer before 1.21, or later
 * with {@code max_prepared_statements = 0}), pgjdbc's statement name {@code S_1} can reach a server connection on
 * which {@code S_1} is another client's statement. If the two have as many parameters, PostgreSQL runs the other
 * statement with this batch's values: its rows, from another table, or none at all, which would make every key of
 * the batch look ORPHAN. So each named lookup is wrapped to check a tag of its own text, bound as a parameter:
 *
 * <pre>SELECT * FROM (&lt;sql&gt;) cachecheck_guarded__
 * WHERE CAST(CASE WHEN CAST(? AS text) = '&lt;tag&gt;' THEN '1' ELSE 'mix-up: ' || CAST(? AS text) END AS integer) = 1</pre>
 *
 * <p>The condition holds no column, so PostgreSQL evaluates it once, before any row is read (a one-time filter, or
 * folded away at planning when the tag is right), and a statement run with another statement's tag raises
 * {@code 22P02} even when it matches no row. {@link JdbcSource} takes a data exception from a named statement for
 * exactly this and retries the batch with unnamed statements. The error arm uses the parameter rather than a constant
 * because PostgreSQL folds constant subexpressions at planning time even inside a CASE arm that is never taken.
 * Two statements with the same text share a tag, and running one for the other is then harmless.
 */
final class StatementGuard {
    static final String ALIAS = "cachecheck_guarded__";

    private StatementGuard() {
    }

    /** The tag of a statement text: 16 hex digits of its SHA-256 (names the text, holds nothing secret). */
    static String tag(String sql) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The guarded statement: {@code sql} as a subquery (its column names, and its row order, which a list
     * namespace's ORDER BY gives, are kept: a subquery with ORDER BY is planned on its own and scanned in order)
     * and two more parameters at the end, both bound to {@code tag}. On the first line, so an error position in the
     * contract's SQL keeps its line.
     */
    static String wrap(String sql, String tag) {
        return "SELECT * FROM (" + sql + "\n) " + ALIAS + " WHERE CAST(CASE WHEN CAST(? AS text) = '" + tag
                + "' THEN '1' ELSE 'cachecheck statement mix-up: ' || CAST(? AS text) END AS integer) = 1";
    }
}
