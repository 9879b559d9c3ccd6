package io.cachecheck.local.init;

import io.cachecheck.contract.SourceSettings;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.local.init.SchemaCatalog.Column;
import io.cachecheck.local.init.SchemaCatalog.Table;
import io.cachecheck.source.JdbcSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Confirms a constant key segment as the tenant of a sample that holds one tenant's keys (docs/init.md): the value
 * must be in the tenant column of a table named like the family or of a tenants table. Each lookup is one
 * {@code SELECT 1 ... WHERE column = ? LIMIT 1} with the value bound, in the source's read-only session. Only text
 * columns are asked (a constant segment is a word; numeric segments are ids), so no comparison needs a cast.
 */
final class SingleTenantConfirmation implements KeyPatternInference.TenantConfirmation {
    private static final Set<String> TENANTS_TABLES = Set.of("tenants", "tenant", "accounts", "organizations", "orgs");
    private static final Set<String> TEXT_TYPES = Set.of("text", "character varying", "varchar", "character", "char", "citext");

    private final JdbcSource source;
    private final SourceSettings.Dialect dialect;
    private final SchemaCatalog catalog;
    private final Map<String, Boolean> asked = new HashMap<>();

    SingleTenantConfirmation(JdbcSource source, SourceSettings.Dialect dialect, SchemaCatalog catalog) {
        this.source = source;
        this.dialect = dialect;
        this.catalog = catalog;
    }

    @Override
    public String confirm(String value, String familyName) {
        for (Table t : candidates(familyName)) {
            String column = tenantColumn(t);
            if (column != null && found(t, column, value)) {
                return "'" + value + "' matches " + t.qualifiedName() + "." + column;
            }
        }
        return null;
    }

    /** Tables named like the family first, then the tenants tables. */
    private List<Table> candidates(String familyName) {
        List<Table> out = new ArrayList<>();
        for (Table t : catalog.tables()) {
            if (TableMatcher.nameScore(familyName, t.name()) >= 1) {
                out.add(t);
            }
        }
        for (Table t : catalog.tables()) {
            if (TENANTS_TABLES.contains(TableMatcher.normalized(t.name())) && !out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Its tenant-like text column; for a tenants table without one, its one-column primary key. */
    private static String tenantColumn(Table t) {
        String column = TableMatcher.tenantColumn(t);
        if (column == null && TENANTS_TABLES.contains(TableMatcher.normalized(t.name())) && t.primaryKey().size() == 1) {
            column = t.primaryKey().get(0);
        }
        Column c = column == null ? null : t.column(column);
        return c != null && TEXT_TYPES.contains(c.dataType().toLowerCase(Locale.ROOT)) ? column : null;
    }

    private boolean found(Table t, String column, String value) {
        String sql = "SELECT 1 AS found FROM " + DraftContract.column(t.schema(), dialect) + "." + DraftContract.column(t.name(), dialect)
                + " WHERE " + DraftContract.column(column, dialect) + " = ? LIMIT 1";
        return asked.computeIfAbsent(sql + "\u0000" + value, k -> {
            try {
                return !source.query(sql, List.of(value)).isEmpty();
            } catch (CacheCheckException e) {
                return false; // not readable: not confirmed, so the keys stay under unmatched-keys as without a lookup
            }
        });
    }
}
