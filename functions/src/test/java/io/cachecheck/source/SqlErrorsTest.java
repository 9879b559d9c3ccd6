package io.cachecheck.source;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {
    private static final String SECRET = "Überweisung erhalten";

    /** A server error as pgjdbc builds it from the wire: severity, code, message, detail, position. */
    private static PSQLException postgres(String state, String message, String detail, int position) {
        return new PSQLException(new ServerErrorMessage("SERROR\0C" + state + "\0M" + message + "\0"
                + (detail == null ? "" : "D" + detail + "\0") + (position > 0 ? "P" + position + "\0" : "")));
    }

    @Test
    void aDataError_keepsItsStateAndPosition_butNotTheValueItQuotes() {
        PSQLException e = postgres("22P02", "invalid input syntax for type integer: \"" + SECRET + "\"", null, 8);

        assertThat(SqlErrors.describe(e, "SELECT note::int FROM tenants"))
                .isEqualTo("a value could not be converted to the type the query asks for (a cast, or a comparison with"
                        + " a column of another type) (SQLState 22P02, at line 1, column 8: \"note::int FROM tenants\";"
                        + " the database's message is withheld because it can quote row values)");
    }

    @Test
    void theDetailLine_neverAppears() {
        PSQLException unique = postgres("23505", "duplicate key value violates unique constraint \"pk\"",
                "Key (id)=(" + SECRET + ") already exists.", 0);
        PSQLException raised = postgres("P0001", "bad row " + SECRET, null, 0);

        assertThat(SqlErrors.describe(unique, null)).isEqualTo("a unique constraint was violated (SQLState 23505;"
                + " the database's message is withheld because it can quote row values)");
        assertThat(SqlErrors.describe(raised, null)).doesNotContain(SECRET).startsWith("a database function the query calls"
                + " raised an error (RAISE) (SQLState P0001;");
        assertThat((Throwable) SqlErrors.sanitized(unique, null)).hasMessageNotContaining(SECRET).hasNoCause();
        assertThat(SqlErrors.sanitized(unique, null).getSQLState()).isEqualTo("23505");
    }

    @Test
    void mysqlErrors_withValues_areWithheld_evenUnderTheCatchAllState() {
        // 1366 "Incorrect integer value" and a SIGNAL's text are HY000 / 45000 in MySQL and MariaDB
        assertThat(SqlErrors.describe(new SQLException("Incorrect integer value: '" + SECRET + "' for column 'x'", "HY000", 1366), null))
                .isEqualTo("database error (SQLState HY000, error 1366; the database's message is withheld because it can"
                        + " quote row values)");
        assertThat(SqlErrors.describe(new SQLException(SECRET, "45000", 1644), null)).doesNotContain(SECRET);
        // a client-side conversion error of MySQL Connector/J quotes the value too
        assertThat(SqlErrors.describe(new SQLException("Cannot convert value '" + SECRET + "' from column 1", "S1009"), null))
                .doesNotContain(SECRET);
        assertThat(SqlErrors.describe(new SQLException(SECRET, (String) null), null)).doesNotContain(SECRET)
                .contains("SQLState none");
    }

    @Test
    void errorsAboutTheQueryOrTheConnection_keepTheDatabasesFirstLine() {
        assertThat(SqlErrors.describe(postgres("42703", "column \"statuz\" does not exist", null, 8), "SELECT statuz FROM t"))
                .isEqualTo("column \"statuz\" does not exist (SQLState 42703, at line 1, column 8: \"statuz FROM t\")");
        assertThat(SqlErrors.describe(new SQLException("Table 'test.nowhere' doesn't exist", "42S02", 1146), null))
                .isEqualTo("Table 'test.nowhere' doesn't exist (SQLState 42S02, error 1146)");
        assertThat(SqlErrors.describe(new SQLException("Connection refused\n\tmore", "08001"), null))
                .isEqualTo("Connection refused (SQLState 08001)");
    }

    @Test
    void thePosition_countsInTheStatementAsTheServerReceivedIt() {
        // pgjdbc sends "?" as "$1", "$2": position 46 is "x" in the native text
        String sent = "SELECT id FROM t WHERE a = ? AND b = ? AND x::int > 0";
        assertThat(SqlErrors.position(sent, 46)).isEqualTo("line 1, column 46: \"x::int > 0\"");
        assertThat(SqlErrors.position("SELECT 1\nFROM t\nWHERE v::int = 0", 23)).isEqualTo("line 3, column 7: \"v::int = 0\"");
    }
}
