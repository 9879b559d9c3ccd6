package io.cachecheck.local.init;

import io.cachecheck.local.init.SchemaCatalog.Column;
import io.cachecheck.local.init.SchemaCatalog.Table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Matches a key family to the table it caches: the table needs a tenant column and, besides it, as many
 * primary-key columns as the family has id segments; among those, the table whose columns are named like most cached
 * fields wins, and a table named like the family (singular or plural) breaks ties. Field names are matched to
 * columns exactly, then ignoring case and underscores ({@code emailVerified} and {@code email_verified}). Pure.
 */
public final class TableMatcher {
    /** How a cached field was matched to a column. */
    public enum FieldMatch { EXACT, NAME_STYLE }

    /**
     * A mapped field.
     *
     * @param how EXACT for the same name, NAME_STYLE when only case or underscores differ (a guess to confirm)
     */
    public record MappedField(String field, String column, FieldMatch how) {
    }

    /**
     * The table chosen for a family.
     *
     * @param idColumns     per id segment of the key, in key order, its primary-key column
     * @param fields        the cached fields that have a column
     * @param unmatched     the cached fields that have none
     * @param alternatives  other tables that fit almost as well (the user must confirm the choice)
     * @param tied          those of them that fit exactly as well: init could not decide between them
     */
    public record Match(Table table, String tenantColumn, List<String> idColumns, List<MappedField> fields,
                        List<String> unmatched, double score, List<String> alternatives, List<String> tied) {
    }

    private TableMatcher() {
    }

    /** The tenant column of a table: a column whose name contains "tenant", preferring one in the primary key. */
    public static String tenantColumn(Table table) {
        for (String pk : table.primaryKey()) {
            if (pk.toLowerCase(Locale.ROOT).contains("tenant")) {
                return pk;
            }
        }
        for (Column c : table.columns()) {
            if (c.name().toLowerCase(Locale.ROOT).contains("tenant")) {
                return c.name();
            }
        }
        return null;
    }

    /**
     * The best table for a family with {@code idCount} id segments and these cached field names, or null when no
     * table has a tenant column and matching primary key.
     */
    public static Match match(String familyName, int idCount, List<String> fields, List<Table> tables) {
        List<Match> candidates = new ArrayList<>();
        for (Table t : tables) {
            String tenant = tenantColumn(t);
            if (tenant == null) {
                continue;
            }
            List<String> ids = new ArrayList<>(t.primaryKey());
            ids.remove(tenant);
            if (ids.size() != idCount) {
                continue;
            }
            List<MappedField> mapped = new ArrayList<>();
            List<String> unmatched = new ArrayList<>();
            for (String field : fields) {
                MappedField m = column(field, t);
                if (m == null) {
                    unmatched.add(field);
                } else {
                    mapped.add(m);
                }
            }
            if (!fields.isEmpty() && mapped.isEmpty()) {
                continue; // shares no field name: not this family's table
            }
            double score = (fields.isEmpty() ? 0 : 2.0 * mapped.size() / fields.size()) + nameScore(familyName, t.name());
            candidates.add(new Match(t, tenant, List.copyOf(ids), List.copyOf(mapped), List.copyOf(unmatched), score, List.of(), List.of()));
        }
        if (candidates.isEmpty()) {
            return null;
        }
        candidates.sort(Comparator.comparingDouble(Match::score).reversed());
        Match best = candidates.get(0);
        List<String> close = new ArrayList<>();
        List<String> tied = new ArrayList<>();
        for (Match m : candidates.subList(1, candidates.size())) {
            if (best.score() - m.score() < 0.25) {
                close.add(m.table().qualifiedName());
            }
            if (best.score() - m.score() < 1e-9) {
                tied.add(m.table().qualifiedName());
            }
        }
        return new Match(best.table(), best.tenantColumn(), best.idColumns(), best.fields(), best.unmatched(), best.score(),
                List.copyOf(close), List.copyOf(tied));
    }

    /** The column of a cached field, exact first, then ignoring case and underscores; null when none. */
    static MappedField column(String field, Table t) {
        for (Column c : t.columns()) {
            if (c.name().equals(field)) {
                return new MappedField(field, c.name(), FieldMatch.EXACT);
            }
        }
        String wanted = normalized(field);
        for (Column c : t.columns()) {
            if (normalized(c.name()).equals(wanted)) {
                return new MappedField(field, c.name(), FieldMatch.NAME_STYLE);
            }
        }
        return null;
    }

    static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** 1 for the same name up to a plural s/es, 0.5 when one contains the other, else 0. */
    static double nameScore(String family, String table) {
        String f = normalized(family);
        String t = normalized(table);
        if (f.equals(t) || (f + "s").equals(t) || (f + "es").equals(t) || (t + "s").equals(f)
                || f.endsWith("y") && (f.substring(0, f.length() - 1) + "ies").equals(t)) {
            return 1;
        }
        return f.contains(t) || t.contains(f) ? 0.5 : 0;
    }
}
