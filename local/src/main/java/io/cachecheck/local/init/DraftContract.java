package io.cachecheck.local.init;

import io.cachecheck.decode.chain.DecodeSteps;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.local.init.KeyPatternInference.Family;
import io.cachecheck.local.init.SchemaCatalog.Column;
import io.cachecheck.local.init.SchemaCatalog.Table;
import io.cachecheck.local.init.TableMatcher.Match;
import io.cachecheck.local.init.ValueFormatInference.Format;
import io.cachecheck.local.init.ValueFormatInference.Layout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the draft contract's YAML text from what was inferred: the key families, their value formats, the tables
 * they matched and the tenant list. Every guess is written with a {@code # guess:} comment and everything it could not
 * decide with a {@code # TODO(init): ...} comment; a namespace it cannot complete is written commented out, so the
 * file stays a contract that loads. No password is ever written: a password given in a URL becomes a
 * {@code passwordEnv} reference. Pure: no I/O.
 */
public final class DraftContract {
    /** The environment variables the draft names for passwords that were given in the URLs. */
    public static final String SOURCE_PASSWORD_ENV = "CACHECHECK_SOURCE_PASSWORD";
    public static final String CACHE_PASSWORD_ENV = "CACHECHECK_CACHE_PASSWORD";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    /** Words the contract loader refuses unquoted in SQL (docs/contract.md, "One statement that reads"), and a few more. */
    private static final Set<String> QUOTED_WORDS = Set.of("insert", "update", "delete", "merge", "into", "select", "from",
            "where", "order", "group", "user", "table", "key", "value", "values", "limit", "offset");

    /** What the draft says about the connection settings. */
    public record Connections(String cacheUrl, boolean cluster, String cacheUser, boolean cachePassword,
                              String sourceUrl, SourceSettings.Dialect dialect, String sourceUser, String sourcePasswordEnv,
                              boolean sourcePasswordInUrl) {
    }

    /** One proposed namespace. {@code written} is false when it is written commented out (see {@code todos}). */
    public record NamespaceDraft(String name, Family family, Format format, Match match, String keyPattern,
                                 List<String> yaml, List<String> guesses, List<String> todos, boolean written) {
    }

    /** The draft: its namespaces, tenant query and text. */
    public record Draft(List<NamespaceDraft> namespaces, String tenantsSql, String text) {
    }

    private DraftContract() {
    }

    /**
     * Builds the draft.
     *
     * @param formats per family (same order as {@code inference.families()}), its value format
     * @param header  lines for the header comment (what was sampled)
     */
    public static Draft build(Connections conn, KeyPatternInference.Result inference, List<Format> formats,
                              SchemaCatalog catalog, List<String> header) {
        List<NamespaceDraft> namespaces = new ArrayList<>();
        for (int i = 0; i < inference.families().size(); i++) {
            namespaces.add(namespace(inference.families().get(i), formats.get(i), catalog, conn.dialect()));
        }
        List<String> tenantNotes = new ArrayList<>();
        String tenantsSql = tenantsSql(namespaces, catalog, tenantNotes);

        List<String> out = new ArrayList<>();
        out.add("# Draft contract written by `cachecheck init` (docs/init.md). Review it before you rely on it:");
        out.add("# every line marked \"guess:\" is a guess to confirm, every \"TODO(init):\" something init could not decide.");
        header.forEach(h -> out.add("# " + h));
        out.add("version: 1");
        out.add("cache:");
        out.add("  url: " + quote(conn.cacheUrl()));
        if (conn.cluster()) {
            out.add("  mode: cluster   # guess: the server reports cluster_enabled:1");
        }
        if (conn.cacheUser() != null || conn.cachePassword()) {
            out.add("  auth:");
            if (conn.cacheUser() != null) {
                out.add("    username: " + quote(conn.cacheUser()));
            }
            if (conn.cachePassword()) {
                out.add("    passwordEnv: " + CACHE_PASSWORD_ENV + "   # TODO(init): password: the URL held a password, which is"
                        + " never written here; export it as " + CACHE_PASSWORD_ENV + " (or use secretRef)");
            }
        }
        out.add("source:");
        out.add("  url: " + quote(conn.sourceUrl()));
        if (conn.sourceUser() != null || conn.sourcePasswordEnv() != null) {
            out.add("  auth:");
            if (conn.sourceUser() != null) {
                out.add("    username: " + quote(conn.sourceUser()));
            }
            if (conn.sourcePasswordEnv() != null) {
                out.add("    passwordEnv: " + conn.sourcePasswordEnv() + (conn.sourcePasswordInUrl()
                        ? "   # TODO(init): password: the URL held a password, which is never written here; export it as "
                        + conn.sourcePasswordEnv() + " (or use secretRef)" : ""));
            }
        }
        out.add("tenants:");
        tenantNotes.forEach(n -> out.add("  # " + n));
        out.add("  sql: " + (tenantsSql == null ? "\"\"" : quote(tenantsSql)));
        out.add("namespaces:");
        if (namespaces.stream().noneMatch(NamespaceDraft::written)) {
            // With no family at all (every sampled key in unmatched-keys) there is no commented-out namespace to point at.
            out.add(namespaces.isEmpty()
                    ? "  # TODO(init): no-namespace: no key family was found in the sample (see unmatched-keys below); this"
                    + " draft does not load until you add a namespace"
                    : "  # TODO(init): no-namespace: no key family could be matched to a table (see the commented-out"
                    + " namespaces below); this draft does not load until one is completed");
        }
        for (NamespaceDraft ns : namespaces) {
            out.add("");
            ns.guesses().forEach(g -> out.add("  # guess: " + g));
            ns.todos().forEach(t -> out.add("  # TODO(init): " + t));
            for (String line : ns.yaml()) {
                out.add(ns.written() ? line : "  # " + line.substring(2));
            }
        }
        if (!inference.leftOver().isEmpty()) {
            out.add("");
            out.add("# TODO(init): unmatched-keys: these sampled keys fit no proposed namespace (too few of a kind, or no"
                    + " tenant segment); validate reports them as UNMAPPED. Add a namespace for them, or list their prefix in"
                    + " cache.ignoreKeyPrefixes if another application owns them:");
            inference.leftOver().forEach((shape, count) -> out.add("#   " + shape + "   (" + count + " sampled key"
                    + (count == 1 ? "" : "s") + ")"));
        }
        return new Draft(namespaces, tenantsSql, String.join("\n", out) + "\n");
    }

    static NamespaceDraft namespace(Family family, Format format, SchemaCatalog catalog, SourceSettings.Dialect dialect) {
        List<String> guesses = new ArrayList<>();
        List<String> todos = new ArrayList<>();
        List<String> fields = ValueFormatInference.fieldNames(format);
        Match match = TableMatcher.match(family.name(), family.ids().size(), fields, catalog.tables());
        List<String> placeholders = new ArrayList<>();
        Map<String, String> keyColumns = new LinkedHashMap<>();
        for (int i = 0; i < family.ids().size(); i++) {
            String column = match == null ? null : match.idColumns().get(i);
            String placeholder = column != null && PLAIN_IDENTIFIER.matcher(column).matches() ? column
                    : family.ids().size() == 1 ? "id" : "id" + (i + 1);
            placeholders.add(placeholder);
            if (column != null && !column.equals(placeholder)) {
                keyColumns.put(placeholder, column);
            }
        }
        String pattern = family.pattern(placeholders);
        int keys = family.keys().size();
        guesses.add(keys + " sampled keys of the pattern " + pattern + "; the segment {" + KeyPatternInference.TENANT
                + "} holds the tenant (" + family.segments().stream().filter(s -> s.kind() == KeyPatternInference.Kind.TENANT)
                .findFirst().orElseThrow().distinct() + (family.tenantConfirmed() == null ? " values)"
                : " value); one tenant in the sample: " + family.tenantConfirmed() + ": confirm it is the tenant")
                + (family.tenantGuessed() ? ", chosen among numeric segments for having few values: confirm it is the tenant" : ""));
        List<String> yaml = new ArrayList<>();
        yaml.add("  - name: " + family.name());
        yaml.add("    keyPattern: " + quote(pattern));

        boolean complete = true;
        switch (format.layout()) {
            case JSON -> yaml.add("    valueType: json");
            case HASH -> yaml.add("    valueType: hash");
            case STRING -> yaml.add("    valueType: string");
            case DECODED -> yaml.add("    decode: [" + String.join(", ", format.decode()) + "]");
            case COLLECTION -> {
                todos.add("collection: the values are Redis " + format.what() + " values; init does not propose collection"
                        + " namespaces yet: write valueType, member (and score) as docs/contract.md, Collections, shows");
                complete = false;
            }
            case UNKNOWN -> {
                todos.add("format: " + format.what() + "; write valueType or decode (docs/formats.md)");
                complete = false;
            }
        }
        if (complete && format.layout() != Layout.HASH && format.layout() != Layout.STRING && format.layout() != Layout.JSON) {
            guesses.add("the values are " + format.what() + " (" + format.agreeing() + " of " + format.sampled() + " sampled values)");
        } else if (complete) {
            guesses.add("the values are " + (format.layout() == Layout.STRING ? "plain text" : format.what())
                    + " (" + format.agreeing() + " of " + format.sampled() + " sampled values)");
        }
        if (complete && format.agreeing() < format.sampled()) {
            int others = format.sampled() - format.agreeing();
            guesses.add(others + (others == 1 ? " sampled value is" : " sampled values are") + " of another Redis type or"
                    + " format: validate will report " + (others == 1 ? "it" : "them") + " CORRUPT; check whether "
                    + (others == 1 ? "it belongs" : "they belong") + " to this namespace");
        }
        if (complete && format.undecodable() > 0) {
            guesses.add(format.undecodable() + " sampled values of this format could not be read: validate will report them CORRUPT");
        }
        if (complete && format.layout() == Layout.DECODED && format.decode().stream().anyMatch(s -> !DecodeSteps.available(s))) {
            todos.add("format: the values look like " + format.what() + ", which this version cannot read");
            complete = false;
        }
        if (complete && format.decode().isEmpty() && format.layout() == Layout.DECODED) {
            todos.add("format: the values look like " + format.what() + ", which cachecheck cannot read");
            complete = false;
        }
        if (match == null) {
            todos.add("no-table: no table has a tenant column (a name containing \"tenant\") and "
                    + family.ids().size() + " other primary-key column(s) and shares a column name with the cached fields "
                    + fields + "; write sql and fields by hand");
            yaml.add("    sql: \"SELECT ... FROM ... WHERE <tenant column> = :" + KeyPatternInference.TENANT + " AND <id column> IN (:"
                    + placeholders.get(0) + ")\"");
            return new NamespaceDraft(family.name(), family, format, null, pattern, yaml, guesses, todos, false);
        }
        Table table = match.table();
        guesses.add("table " + table.qualifiedName() + ": tenant column " + match.tenantColumn() + ", key column(s) "
                + match.idColumns() + " from its primary key " + table.primaryKey()
                + (format.layout() == Layout.STRING ? "" : ", " + match.fields().size() + " of " + fields.size()
                + " cached fields named like its columns")
                + (match.alternatives().isEmpty() ? "" : "; other tables that fit almost as well: " + match.alternatives()));
        if (!match.tied().isEmpty()) {
            todos.add("ambiguous-table: " + match.tied() + " fit exactly as well as " + table.qualifiedName() + ", which init"
                    + " took; check that it is the table the application caches, or run init again with --schema");
        }
        List<String> select = new ArrayList<>(match.idColumns());
        String valueColumn = null;
        if (format.layout() == Layout.STRING) {
            List<String> others = new ArrayList<>();
            for (Column c : table.columns()) {
                if (!c.name().equals(match.tenantColumn()) && !match.idColumns().contains(c.name())) {
                    others.add(c.name());
                }
            }
            if (others.size() == 1) {
                valueColumn = others.get(0);
                guesses.add("the whole value is compared with the table's only other column, " + valueColumn);
            } else {
                todos.add("string-column: each value is one piece of text; say which column of " + table.qualifiedName()
                        + " it holds (column: ...), one of " + others);
                complete = false;
                valueColumn = others.isEmpty() ? "value" : others.get(0);
            }
            select.add(valueColumn);
        }
        for (TableMatcher.MappedField f : match.fields()) {
            if (!select.contains(f.column())) {
                select.add(f.column());
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(String.join(", ", select.stream().map(c -> column(c, dialect)).toList()));
        sql.append(" FROM ").append(qualified(table, dialect)).append(" WHERE ").append(column(match.tenantColumn(), dialect))
                .append(" = :").append(KeyPatternInference.TENANT);
        for (int i = 0; i < placeholders.size(); i++) {
            sql.append(" AND ").append(column(match.idColumns().get(i), dialect)).append(" IN (:").append(placeholders.get(i)).append(')');
        }
        yaml.add("    sql: " + quote(sql.toString()));
        if (!keyColumns.isEmpty()) {
            yaml.add("    keyColumns: {" + String.join(", ", keyColumns.entrySet().stream()
                    .map(e -> e.getKey() + ": " + quote(e.getValue())).toList()) + "}");
        }
        if (format.layout() == Layout.STRING) {
            yaml.add("    column: " + quote(valueColumn));
        } else {
            if (match.fields().isEmpty()) {
                todos.add("fields: the sampled values have no field; write fields by hand");
                complete = false;
            } else {
                yaml.add("    fields:");
            }
            String version = null;
            for (TableMatcher.MappedField f : match.fields()) {
                String line = "      " + quote(f.field()) + ": " + quote(f.column());
                if (f.how() == TableMatcher.FieldMatch.NAME_STYLE) {
                    line += "   # guess: named like the column but for case or underscores";
                }
                yaml.add(line);
                String lower = f.column().toLowerCase(Locale.ROOT);
                if (version == null && (lower.equals("updated_at") || lower.equals("modified_at") || lower.equals("version"))) {
                    version = "{field: " + quote(f.field()) + ", column: " + quote(f.column()) + "}";
                }
            }
            if (!match.unmatched().isEmpty()) {
                yaml.add("    ignore: [" + String.join(", ", match.unmatched().stream().map(DraftContract::quote).toList())
                        + "]   # guess: no column of " + table.name() + " is named like these fields, so they are not compared");
            }
            if (version != null) {
                yaml.add("    # version: " + version + "   # guess: a version column; uncomment it for the race defence"
                        + " (docs/contract.md, IN_FLIGHT)");
            }
        }
        return new NamespaceDraft(family.name(), family, format, match, pattern, yaml, guesses, todos, complete);
    }

    /**
     * The tenant list: a tenants table (named tenants, tenant, accounts, organizations or orgs) holding the tenant
     * column, with its boolean active/enabled column as the filter; else the tenants found in the matched tables.
     */
    static String tenantsSql(List<NamespaceDraft> namespaces, SchemaCatalog catalog, List<String> notes) {
        Set<String> tenantColumns = new LinkedHashSet<>();
        Set<Table> tables = new LinkedHashSet<>();
        Set<String> schemas = new LinkedHashSet<>();
        for (NamespaceDraft ns : namespaces) {
            if (ns.written()) {
                tenantColumns.add(ns.match().tenantColumn());
                tables.add(ns.match().table());
                schemas.add(ns.match().table().schema());
            }
        }
        if (tables.isEmpty()) {
            notes.add("TODO(init): tenants: no namespace matched a table, so init cannot tell where the tenant ids are;"
                    + " write a SELECT of the active tenant ids");
            return null;
        }
        Table best = null;
        String idColumn = null;
        for (Table t : catalog.tables()) {
            String n = TableMatcher.normalized(t.name());
            if (!List.of("tenants", "tenant", "accounts", "organizations", "orgs").contains(n)) {
                continue;
            }
            String column = null;
            for (String c : tenantColumns) {
                if (t.column(c) != null) {
                    column = c;
                }
            }
            if (column == null && t.primaryKey().size() == 1) {
                column = t.primaryKey().get(0);
            }
            if (column != null && (best == null || schemas.contains(t.schema()) && !schemas.contains(best.schema()))) {
                best = t;
                idColumn = column;
            }
        }
        if (best != null) {
            String sql = "SELECT " + idColumn + " FROM " + best.qualifiedName();
            String active = null;
            for (Column c : best.columns()) {
                String n = c.name().toLowerCase(Locale.ROOT);
                if (c.bool() && (n.equals("active") || n.equals("enabled") || n.equals("is_active"))) {
                    active = c.name();
                }
            }
            notes.add("guess: the tenants are the rows of " + best.qualifiedName() + " (column " + idColumn + ")"
                    + (active == null ? "; add a WHERE clause if some tenants are not active"
                    : ", those where " + active + " is true"));
            return sql + (active == null ? "" : " WHERE " + active) + " ORDER BY " + idColumn;
        }
        List<String> parts = new ArrayList<>();
        for (NamespaceDraft ns : namespaces) {
            if (ns.written()) {
                String part = "SELECT " + ns.match().tenantColumn() + " AS tenant_id FROM " + ns.match().table().qualifiedName();
                if (!parts.contains(part)) {
                    parts.add(part);
                }
            }
        }
        notes.add("TODO(init): tenants: no tenants table was found; this lists every tenant that has rows in the matched"
                + " tables, active or not: replace it with the query of your active tenants");
        return String.join(" UNION ", parts);
    }

    private static String qualified(Table t, SourceSettings.Dialect dialect) {
        return column(t.schema(), dialect) + "." + column(t.name(), dialect);
    }

    /** A column or table name, quoted only when it is not a plain lower-case identifier or is a reserved word. */
    static String column(String name, SourceSettings.Dialect dialect) {
        if (PLAIN_IDENTIFIER.matcher(name).matches() && !QUOTED_WORDS.contains(name)) {
            return name;
        }
        return dialect == SourceSettings.Dialect.POSTGRESQL ? "\"" + name.replace("\"", "\"\"") + "\""
                : "`" + name.replace("`", "``") + "`";
    }

    /** A YAML double-quoted scalar (JSON string syntax, which YAML reads the same). */
    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
