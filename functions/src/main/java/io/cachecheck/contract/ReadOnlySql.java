package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, when the contract is loaded, a source query ({@code tenants.sql} or a namespace's {@code sql}) that is not
 * one statement that only reads:
 * <ul>
 *   <li>several statements: a {@code ;} followed by more SQL ({@code ... IN (:flag); DROP TABLE flags; --});</li>
 *   <li>a first keyword other than SELECT, WITH, VALUES or TABLE ({@code DELETE ... RETURNING ...});</li>
 *   <li>a word that only a writing or row-locking statement uses: INSERT, UPDATE, DELETE, MERGE, INTO (a writable
 *       CTE, {@code SELECT ... INTO}, {@code INTO OUTFILE}, {@code FOR UPDATE}).</li>
 * </ul>
 * What the text cannot show, such as a function that writes, is refused by the database: every source session is
 * read-only (see {@code JdbcSource}).
 *
 * <p>Quotes and comments are read by the rules of the source's dialect. Where a server setting changes those rules
 * (PostgreSQL {@code standard_conforming_strings}; MySQL {@code NO_BACKSLASH_ESCAPES} and {@code ANSI_QUOTES}), the
 * text is read under each setting, and a statement separator found under any of them refuses it: a query is accepted
 * only if it is one statement however the server is configured. A quote left open under a non-default setting is not
 * refused for itself (the server would refuse it as a syntax error), only when a separator comes before it.
 */
final class ReadOnlySql {
    private static final Set<String> FIRST_WORDS = Set.of("SELECT", "WITH", "VALUES", "TABLE");
    /** Words outside quotes and comments that no reading statement needs; ':' excludes a named parameter. */
    private static final Pattern WRITE_WORD = Pattern.compile(
            "(?<![\\p{L}\\p{N}_$:])(INSERT|UPDATE|DELETE|MERGE|INTO)(?![\\p{L}\\p{N}_$])", Pattern.CASE_INSENSITIVE);
    private static final Pattern FIRST_WORD = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");

    private ReadOnlySql() {
    }

    /** How one server setting reads quotes and comments. */
    private record Rules(boolean postgres, boolean backslashEscapes, boolean doubleQuoteIsString) {
    }

    /** The text with every quoted literal, quoted identifier and comment blanked out; null fields when it reads through. */
    private record Reading(String code, int unterminatedAt, String unterminated) {
        boolean terminated() {
            return unterminated == null;
        }
    }

    static void check(String sql, String path, SourceSettings.Dialect dialect) {
        List<Rules> readings = dialect == SourceSettings.Dialect.POSTGRESQL
                // the default (standard_conforming_strings on: backslashes escape only in E'...'), then off
                ? List.of(new Rules(true, false, false), new Rules(true, true, false))
                // the default (backslash escapes, "..." a string), ANSI_QUOTES ("..." an identifier), NO_BACKSLASH_ESCAPES
                : List.of(new Rules(false, true, true), new Rules(false, true, false), new Rules(false, false, true));
        Reading main = read(sql, readings.get(0));
        if (!main.terminated()) {
            throw new ContractException(path + ": unterminated " + main.unterminated() + " starting at "
                    + position(sql, main.unterminatedAt()) + "; close it");
        }
        for (Rules rules : readings) {
            Reading reading = rules == readings.get(0) ? main : read(sql, rules);
            int separator = reading.code().indexOf(';');
            // an unterminated quote after the ';' is more SQL too (the reading stops at it)
            if (separator >= 0 && (!reading.code().substring(separator + 1).isBlank() || !reading.terminated())) {
                throw new ContractException(path + ": holds more than one statement (the ';' at " + position(sql, separator)
                        + " is followed by more SQL); a contract query is a single SELECT: remove the ';' and what"
                        + " follows it");
            }
        }
        String code = main.code();
        int start = 0;
        while (start < code.length() && (Character.isWhitespace(code.charAt(start)) || code.charAt(start) == '(')) {
            start++;
        }
        Matcher first = FIRST_WORD.matcher(code).region(start, code.length());
        String word = first.lookingAt() ? first.group().toUpperCase(Locale.ROOT) : "";
        if (!FIRST_WORDS.contains(word)) {
            throw new ContractException(path + ": starts with " + (word.isEmpty() ? "'" + firstChars(code, start) + "'" : word)
                    + ", not SELECT or WITH; a contract query only reads: write a single SELECT (or WITH ... SELECT)"
                    + " that returns the rows");
        }
        Matcher write = WRITE_WORD.matcher(code);
        if (write.find()) {
            throw new ContractException(path + ": contains " + write.group(1).toUpperCase(Locale.ROOT) + " (at "
                    + position(sql, write.start()) + "), which only a statement that writes or locks rows needs;"
                    + " a contract query only reads: write a plain SELECT (a column of that name must be quoted, e.g. "
                    + (dialect == SourceSettings.Dialect.POSTGRESQL ? "\"" + write.group(1) + "\"" : "`" + write.group(1) + "`")
                    + ")");
        }
    }

    private static String firstChars(String code, int start) {
        String rest = code.substring(start).strip();
        return rest.length() > 10 ? rest.substring(0, 10) : rest;
    }

    /** "line L, column C" of a character of the text, both counted from 1. */
    static String position(String sql, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index && i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (index - lineStart + 1);
    }

    private static Reading read(String sql, Rules rules) {
        char[] code = sql.toCharArray();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            int end;
            String what;
            if (c == '\'') {
                what = "' quote";
                end = closeQuote(sql, i, '\'', rules.backslashEscapes() || rules.postgres() && escapeString(sql, i));
            } else if (c == '"') {
                what = "\" quote";
                end = closeQuote(sql, i, '"', !rules.postgres() && rules.doubleQuoteIsString() && rules.backslashEscapes());
            } else if (c == '`' && !rules.postgres()) {
                what = "` quote";
                end = closeQuote(sql, i, '`', false);
            } else if (c == '$' && rules.postgres() && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                what = tag + " quote";
                int close = sql.indexOf(tag, i + tag.length());
                end = close < 0 ? -1 : close + tag.length();
            } else if (c == '-' && next == '-'
                    && (rules.postgres() || i + 2 >= n || sql.charAt(i + 2) <= ' ')) { // MySQL: "-- " needs a space
                what = "comment";
                int eol = sql.indexOf('\n', i);
                end = eol < 0 ? n : eol;
            } else if (c == '#' && !rules.postgres()) {
                what = "comment";
                int eol = sql.indexOf('\n', i);
                end = eol < 0 ? n : eol;
            } else if (c == '/' && next == '*') {
                if (!rules.postgres() && i + 2 < n && (sql.charAt(i + 2) == '!' || sql.charAt(i + 2) == '+'
                        || sql.startsWith("M!", i + 2))) {
                    i += 2; // MySQL runs the text of /*! ... */ (and reads /*+ ... */ hints): it is code
                    continue;
                }
                what = "/* comment";
                end = rules.postgres() ? nestedCommentEnd(sql, i) : endOf(sql.indexOf("*/", i + 2), 2);
            } else {
                i++;
                continue;
            }
            if (end < 0) {
                return new Reading(new String(code, 0, i), i, what);
            }
            java.util.Arrays.fill(code, i, end, ' ');
            i = end;
        }
        return new Reading(new String(code), -1, null);
    }

    private static int endOf(int found, int length) {
        return found < 0 ? -1 : found + length;
    }

    /** The index after the closing quote, or -1. A doubled quote is a quote; a backslash escapes when {@code backslash}. */
    private static int closeQuote(String sql, int start, char quote, boolean backslash) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /** PostgreSQL's E'...' (backslash escapes even with standard_conforming_strings): an E that starts a token. */
    private static boolean escapeString(String sql, int quote) {
        if (quote < 1 || Character.toUpperCase(sql.charAt(quote - 1)) != 'E') {
            return false;
        }
        return quote < 2 || !identifierPart(sql.charAt(quote - 2));
    }

    /** A PostgreSQL dollar-quote tag starting at {@code i} ({@code $$} or {@code $name$}), or null. */
    private static String dollarTag(String sql, int i) {
        if (i > 0 && identifierPart(sql.charAt(i - 1))) {
            return null; // "$" inside an identifier (a$b)
        }
        int j = i + 1;
        if (j < sql.length() && sql.charAt(j) == '$') {
            return "$$";
        }
        if (j >= sql.length() || !(Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            return null; // $1 is a parameter, not a tag
        }
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** PostgreSQL block comments nest. */
    private static int nestedCommentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }
}
