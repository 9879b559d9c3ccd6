package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cell placeholders ({@code {shard}}, {@code {cache_host}}) in the endpoint and secret fields of a contract. A value
 * is inserted only if it cannot change the shape of what it goes into: no {@code /}, {@code @}, {@code ?}, {@code #},
 * {@code :}, {@code %}, space or quote, so a catalog row can choose a host, port or name but never add a user, a path,
 * a query or a second host. Values are refused, not escaped: an escaped host name is not a host name.
 */
public final class CellTemplate {
    /** The placeholder that always exists in a cell contract: the tenant's shard value. */
    public static final String SHARD = "shard";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    /** What a value may hold where it goes into a URL, a user name or a secret id. */
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,253}");
    /** What a value may hold where it goes into an environment variable name. */
    private static final Pattern ENV_SAFE = Pattern.compile("[A-Za-z0-9_]{1,253}");

    /** Where a value goes: the characters it may hold differ. */
    public enum Target { URL, ENV_NAME }

    private CellTemplate() {
    }

    /** The placeholder names in {@code text}, in order; refuses a brace that opens no placeholder. */
    public static Set<String> placeholders(String text, String field) {
        Set<String> names = new LinkedHashSet<>();
        if (text == null) {
            return names;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        int end = 0;
        while (m.find()) {
            if (text.substring(end, m.start()).matches(".*[{}].*")) {
                break;
            }
            names.add(m.group(1));
            end = m.end();
        }
        if (text.substring(end).matches("(?s).*[{}].*")) {
            throw new ContractException(field + ": unbalanced '{' or '}'; a cell placeholder is written {shard} or"
                    + " {<column of tenants.cellColumns>}");
        }
        return names;
    }

    /** True when {@code text} holds a placeholder. */
    public static boolean templated(String text) {
        return !placeholders(text, "").isEmpty();
    }

    /** Refuses a placeholder that is neither {@code shard} nor a declared cell column. */
    public static void checkKnown(String text, String field, Set<String> allowed) {
        for (String name : placeholders(text, field)) {
            if (!allowed.contains(name)) {
                throw new ContractException(field + ": unknown placeholder {" + name + "}; use {shard} or a column listed in"
                        + " tenants.cellColumns " + allowed.stream().filter(n -> !n.equals(SHARD)).toList()
                        + io.cachecheck.error.DidYouMean.hint(name, allowed));
            }
        }
    }

    /**
     * The text with every placeholder replaced.
     *
     * @param cell the cell id, for the error
     */
    public static String fill(String text, Map<String, String> values, String field, String cell, Target target) {
        if (text == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.get(name);
            if (value == null) {
                throw new ContractException(field + ": cell " + cell + " has no value for {" + name + "}; select the column "
                        + name + " in tenants.sql and list it in tenants.cellColumns");
            }
            Pattern safe = target == Target.ENV_NAME ? ENV_SAFE : URL_SAFE;
            if (!safe.matcher(value).matches()) {
                // the value is catalog data: described, not quoted (it may be anything a row holds)
                throw new ContractException(field + ": cell " + cell + ": the value of {" + name + "} (" + describe(value, target)
                        + ") cannot go into " + field + " without changing what it names; a cell value may hold only "
                        + (target == Target.ENV_NAME ? "letters, digits and '_' here (an environment variable name)"
                        : "letters, digits, '.', '_' and '-' (no '/', '@', '?', '#', ':' or '%')")
                        + ": fix the catalog row or map it in tenants.sql");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A value, described by its length and its first character that is not allowed, never quoted whole. */
    static String describe(String value, Target target) {
        if (value.isEmpty()) {
            return "empty";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = Character.isLetterOrDigit(c) && c < 128 || c == '_'
                    || target == Target.URL && (c == '.' || c == '-');
            if (!allowed) {
                String shown = c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
                return value.length() + " characters, with " + shown + " at position " + (i + 1);
            }
        }
        return value.length() + " characters";
    }
}
