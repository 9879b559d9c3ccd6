package io.cachecheck.local.init;

import io.cachecheck.contract.SourceSettings;
import io.cachecheck.source.JdbcSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tables, columns and primary keys of the source, read from {@code information_schema} (the same views on
 * PostgreSQL, MySQL and MariaDB) through {@link JdbcSource}, so every query runs in the product's read-only session.
 */
public final class SchemaCatalog {
    /** A column and its {@code information_schema.columns.data_type} (lower case). */
    public record Column(String name, String dataType) {
        /** Whether it may hold a boolean: MySQL and MariaDB report BOOLEAN columns as tinyint. */
        public boolean bool() {
            return dataType.equals("boolean") || dataType.equals("bool") || dataType.equals("bit") || dataType.equals("tinyint");
        }
    }

    /**
     * A table.
     *
     * @param primaryKey its primary-key columns in key order; empty when it has none
     */
    public record Table(String schema, String name, List<Column> columns, List<String> primaryKey) {
        public Column column(String columnName) {
            for (Column c : columns) {
                if (c.name().equals(columnName)) {
                    return c;
                }
            }
            return null;
        }

        /** The name to write in SQL: schema-qualified. */
        public String qualifiedName() {
            return schema + "." + name;
        }
    }

    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final List<String> SYSTEM_SCHEMAS = List.of("pg_catalog", "information_schema", "pg_toast", "mysql",
            "performance_schema", "sys");

    private final List<Table> tables;

    SchemaCatalog(List<Table> tables) {
        this.tables = List.copyOf(tables);
    }

    public List<Table> tables() {
        return tables;
    }

    /**
     * Reads the catalog.
     *
     * @param schemas the schemas (PostgreSQL) or databases (MySQL/MariaDB) to read; empty = every non-system schema
     *                on PostgreSQL, the connection's database on MySQL/MariaDB
     */
    public static SchemaCatalog read(JdbcSource source, SourceSettings.Dialect dialect, List<String> schemas) {
        String filter = schemaFilter(dialect, schemas);
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Map<String, Object> row : source.query("SELECT table_schema, table_name, column_name, data_type"
                + " FROM information_schema.columns WHERE " + filter.replace("$s", "table_schema")
                + " ORDER BY table_schema, table_name, ordinal_position")) {
            String schema = text(row, "table_schema");
            String table = text(row, "table_name");
            byName.computeIfAbsent(schema + "." + table, k -> new Table(schema, table, new ArrayList<>(), new ArrayList<>()))
                    .columns().add(new Column(text(row, "column_name"), text(row, "data_type").toLowerCase(Locale.ROOT)));
        }
        for (Map<String, Object> row : source.query("SELECT k.table_schema, k.table_name, k.column_name"
                + " FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k"
                + " ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name"
                + " AND k.table_schema = c.table_schema AND k.table_name = c.table_name"
                + " WHERE c.constraint_type = 'PRIMARY KEY' AND " + filter.replace("$s", "k.table_schema")
                + " ORDER BY k.table_schema, k.table_name, k.ordinal_position")) {
            Table t = byName.get(text(row, "table_schema") + "." + text(row, "table_name"));
            if (t != null) {
                t.primaryKey().add(text(row, "column_name"));
            }
        }
        List<Table> out = new ArrayList<>();
        byName.values().forEach(t -> out.add(new Table(t.schema(), t.name(), List.copyOf(t.columns()), List.copyOf(t.primaryKey()))));
        return new SchemaCatalog(out);
    }

    /** The WHERE condition on the schema column ({@code $s}); names are checked, never quoted into SQL unchecked. */
    static String schemaFilter(SourceSettings.Dialect dialect, List<String> schemas) {
        if (schemas.isEmpty()) {
            if (dialect == SourceSettings.Dialect.POSTGRESQL) {
                return "$s NOT IN ('pg_catalog', 'information_schema') AND $s NOT LIKE 'pg\\_%'";
            }
            return "$s = DATABASE()";
        }
        List<String> quoted = new ArrayList<>();
        for (String s : schemas) {
            if (!SCHEMA_NAME.matcher(s).matches() || SYSTEM_SCHEMAS.contains(s.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("--schema: '" + s + "' is not a plain schema name; give names of letters,"
                        + " digits and _ separated by commas, e.g. --schema shop,billing");
            }
            quoted.add("'" + s + "'");
        }
        return "$s IN (" + String.join(", ", quoted) + ")";
    }

    private static String text(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? "" : v.toString();
    }
}
