package io.cachecheck.source;

import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What of a driver error may leave the process: the SQLState, the vendor error code, the position in the statement,
 * and a description. Database messages quote the values they failed on ({@code invalid input syntax for type integer:
 * "Überweisung erhalten"}, {@code Duplicate entry '…'}, a detail line {@code Key (id)=(…)}, the text of a function's
 * RAISE or SIGNAL), and whatever cachecheck prints, logs, stores or returns can reach a console or a log. So the
 * database's own message is kept only for the SQLState classes whose messages name objects of the query, the
 * connection or the server and never a value (syntax, undefined column, permission, connection, timeout); for every
 * other class (data exceptions, constraint violations, errors raised by functions, the MySQL catch-all HY000) it is
 * replaced by a description of the class.
 */
public final class SqlErrors {
    /** SQLState classes whose primary message never quotes a value. */
    private static final Set<String> MESSAGE_SAFE_CLASSES = Set.of(
            "08", // connection exception
            "0A", // feature not supported
            "25", // invalid transaction state (read-only transaction)
            "26", // invalid SQL statement name (prepared statement lost behind a pooler)
            "28", // invalid authorization
            "3D", // invalid catalog (database) name
            "3F", // invalid schema name
            "40", // transaction rollback (deadlock, serialization failure)
            "42", // syntax error or access rule violation (undefined table or column, permission)
            "53", // insufficient resources
            "54", // program limit exceeded
            "55", // object not in prerequisite state (lock not available)
            "57", // operator intervention (statement timeout, terminated backend)
            "70"); // MySQL: query interrupted

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("22P02", "a value could not be converted to the type the query asks for (a cast, or a comparison"
                    + " with a column of another type)"),
            Map.entry("22003", "a numeric value is out of range for its type"),
            Map.entry("22001", "a text value is too long for its type"),
            Map.entry("22007", "a date or time value has an invalid format"),
            Map.entry("22008", "a date or time value is out of range"),
            Map.entry("22012", "division by zero"),
            Map.entry("22021", "a text value is not valid in the database's encoding"),
            Map.entry("22023", "a function was given an invalid argument value"),
            Map.entry("2201B", "a value is not a valid regular expression"),
            Map.entry("22004", "a NULL value where none is allowed"),
            Map.entry("23505", "a unique constraint was violated"),
            Map.entry("23502", "a NOT NULL constraint was violated"),
            Map.entry("23503", "a foreign key constraint was violated"),
            Map.entry("23514", "a check constraint was violated"),
            Map.entry("21000", "a subquery used as a value returned more than one row"),
            Map.entry("45000", "a database function the query calls raised an error (SIGNAL)"),
            Map.entry("P0001", "a database function the query calls raised an error (RAISE)"));

    private static final Map<String, String> CLASS_DESCRIPTIONS = Map.of(
            "22", "data exception: a value in the rows the query reads could not be processed",
            "23", "integrity constraint violation",
            "21", "cardinality violation",
            "38", "a database function the query calls failed",
            "39", "a database function the query calls failed",
            "2F", "a database function the query calls failed",
            "P0", "a database function the query calls raised an error",
            "XX", "internal error of the database",
            "HY", "database error");

    /**
     * MySQL Connector/J's own refusals of a statement that writes or returns no rows (SQLState S1009, which it also
     * gives conversion errors that quote values: only these fixed texts are kept).
     */
    private static final List<String> DRIVER_REFUSALS = List.of("Connection is read-only.",
            "Statement.executeQuery() cannot issue statements that do not produce result sets.");

    /** Whether the driver refused a statement that writes, before sending it. */
    public static boolean refusedWrite(SQLException e) {
        return "S1009".equals(e.getSQLState()) && e.getMessage() != null
                && DRIVER_REFUSALS.stream().anyMatch(e.getMessage()::startsWith);
    }

    private SqlErrors() {
    }

    /** The SQLState of the error or of the first cause that has one; null when none does. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /**
     * One line that is safe to print, log, store and return, for example
     * {@code a value could not be converted ... (SQLState 22P02, at line 1, column 8: "note::int FROM tenants"; the
     * database's message is withheld because it can quote row values)}.
     *
     * @param statement the statement text that was sent (values are bound, so it holds none), for the position; may
     *                  be null
     */
    public static String describe(SQLException e, String statement) {
        String state = sqlState(e);
        ServerErrorMessage server = serverMessage(e);
        String cls = state == null || state.length() < 2 ? "" : state.substring(0, 2);
        StringBuilder out = new StringBuilder();
        boolean safe = MESSAGE_SAFE_CLASSES.contains(cls)
                // MySQL Connector/J's own refusal on a read-only connection (S1009 also carries conversion errors, which
                // quote values)
                || refusedWrite(e);
        if (safe) {
            String message = server != null && server.getMessage() != null ? server.getMessage() : e.getMessage();
            out.append(firstLine(message));
        } else {
            String description = state == null ? null : DESCRIPTIONS.get(state);
            out.append(description != null ? description : CLASS_DESCRIPTIONS.getOrDefault(cls, "the database refused the query"));
        }
        out.append(" (SQLState ").append(state == null ? "none" : state);
        if (e.getErrorCode() != 0) {
            out.append(", error ").append(e.getErrorCode());
        }
        if (server != null && server.getPosition() > 0 && statement != null) {
            out.append(", at ").append(position(statement, server.getPosition()));
        }
        if (!safe) {
            out.append("; the database's message is withheld because it can quote row values");
        }
        return out.append(')').toString();
    }

    /**
     * A copy of the error that carries only {@link #describe} as its message and no cause, with the original stack
     * trace: for chaining into a cachecheck exception, whose causes a Lambda error report and its log print too.
     */
    public static SQLException sanitized(SQLException e, String statement) {
        if (e == null) {
            return null;
        }
        SQLException copy = new SQLException(describe(e, statement), sqlState(e), e.getErrorCode());
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static ServerErrorMessage serverMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage();
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "the database gave no message";
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /**
     * "line L, column C: "..."" of PostgreSQL's 1-based character position, which counts in the statement as the server
     * received it: pgjdbc's native form, with {@code $1} for each {@code ?}. The snippet is statement text (the
     * contract's SQL), never a bound value.
     */
    static String position(String statement, int position) {
        String text = statement;
        try {
            List<NativeQuery> parsed = Parser.parseJdbcSql(statement, true, true, false, false, false);
            if (parsed.size() == 1) {
                text = parsed.get(0).nativeSql;
            }
        } catch (SQLException unparsable) {
            // keep the text as sent
        }
        int index = Math.min(position - 1, text.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int end = text.indexOf('\n', index);
        end = Math.min(end < 0 ? text.length() : end, index + 40);
        return "line " + line + ", column " + (index - lineStart + 1) + ": \"" + text.substring(index, end).strip() + "\"";
    }
}
