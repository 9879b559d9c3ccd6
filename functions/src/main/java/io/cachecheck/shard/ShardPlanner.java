package io.cachecheck.shard;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Cell;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.TenantDiscovery;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.source.JdbcSource;
import redis.clients.jedis.HostAndPort;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Discovers the active tenants and turns them into work items.
 *
 * <p>Tenants are grouped by the contract's shard column, or spread over {@code shardCount} shards by a stable hash
 * (CRC-32 of the UTF-8 tenant id, modulo the count), so a tenant stays on the same shard from run to run. In cluster
 * mode each shard is split into one item per cache node: every item then scans one node, so a run still reads the
 * keyspace once per shard and a large shard fits a 15-minute Lambda.
 */
public final class ShardPlanner {
    private ShardPlanner() {
    }

    /**
     * The active tenants and their shard, in discovery order.
     *
     * @param invalidShard active tenants whose shardColumn value cannot name a work item, with the error: it fails a
     *                     run only if the tenant is in its scope, so one tenant's bad data does not block checking others
     */
    public record Tenants(Map<String, String> shardOf, Map<String, String> invalidShard,
                          Map<String, Map<String, String>> cellValues) {
        public Tenants(Map<String, String> shardOf, Map<String, String> invalidShard) {
            this(shardOf, invalidShard, Map.of());
        }

        public Tenants(Map<String, String> shardOf) {
            this(shardOf, Map.of());
        }

        public Set<String> ids() {
            return shardOf.keySet();
        }
    }

    public static Tenants discover(Contract contract, JdbcSource source) {
        TenantDiscovery spec = contract.tenants();
        List<Map<String, Object>> rows = source.query(spec.sql());
        Map<String, String> shardOf = new java.util.LinkedHashMap<>();
        Map<String, String> invalidShard = new java.util.LinkedHashMap<>();
        Map<String, Map<String, String>> cellValues = new java.util.LinkedHashMap<>();
        Map<String, String> cellValuesFrom = new java.util.HashMap<>(); // shard -> the tenant that gave its values
        for (Map<String, Object> row : rows) {
            String idColumn = spec.idColumn() == null ? row.keySet().iterator().next() : spec.idColumn().toLowerCase();
            if (!row.containsKey(idColumn)) {
                throw new ContractException("tenants.idColumn: column '" + spec.idColumn() + "' is not returned by tenants.sql; it returns "
                        + row.keySet() + "; select it in tenants.sql, or set tenants.idColumn to one of those");
            }
            Object id = row.get(idColumn);
            if (id == null) {
                // Dropping the row would check the run as if the tenant did not exist, and a run could then say
                // CONSISTENT without a word about it; a NULL id is a data or query problem to fix first.
                throw new ContractException("tenants.sql: a row has NULL as its tenant id (column " + idColumn + "); every"
                        + " row must name one tenant: filter such rows out (WHERE " + idColumn + " IS NOT NULL) or fix the"
                        + " data");
            }
            String shard;
            if (spec.shardColumn() != null) {
                String column = spec.shardColumn().toLowerCase();
                if (!row.containsKey(column)) {
                    throw new ContractException("tenants.shardColumn: column '" + spec.shardColumn() + "' is not returned by tenants.sql;"
                            + " it returns " + row.keySet() + "; select it in tenants.sql, or set tenants.shardColumn to one of those");
                }
                try {
                    shard = shardValue(id.toString(), row.get(column));
                } catch (ContractException e) {
                    invalidShard.put(id.toString(), e.getMessage());
                    continue;
                }
            } else {
                shard = Integer.toString(hashShard(id.toString(), spec.shardCount()));
            }
            if (!spec.cellColumns().isEmpty()) {
                for (String column : spec.cellColumns()) {
                    if (!row.containsKey(column)) {
                        throw new ContractException("tenants.cellColumns: column '" + column + "' is not returned by"
                                + " tenants.sql; it returns " + row.keySet() + "; select it in tenants.sql, or remove it from"
                                + " tenants.cellColumns");
                    }
                }
                Map<String, String> values;
                try {
                    values = cellValues(id.toString(), row, spec.cellColumns());
                } catch (ContractException e) {
                    invalidShard.put(id.toString(), e.getMessage());
                    continue;
                }
                Map<String, String> known = cellValues.putIfAbsent(shard, values);
                if (known != null && !known.equals(values)) {
                    // one shard is one cell: two endpoints for it would check half its tenants against the wrong cell
                    String column = spec.cellColumns().stream().filter(c -> !known.get(c).equals(values.get(c))).findFirst().orElseThrow();
                    throw new ContractException("tenants.cellColumns: tenants '" + cellValuesFrom.get(shard) + "' and '" + id
                            + "' of shard " + shard + " have different " + column + " values; all tenants of a shard are in one"
                            + " cell: fix the catalog rows, or make " + column + " part of the shard value");
                }
                cellValuesFrom.putIfAbsent(shard, id.toString());
            }
            shardOf.put(id.toString(), shard);
        }
        return new Tenants(shardOf, invalidShard, cellValues);
    }

    /** A tenant row's cell columns, as text; a missing column stops discovery, a NULL makes the tenant invalid. */
    static Map<String, String> cellValues(String tenant, Map<String, Object> row, List<String> columns) {
        Map<String, String> values = new java.util.TreeMap<>();
        for (String column : columns) {
            Object value = row.get(column);
            if (value == null) {
                throw new ContractException("tenants.cellColumns: tenant '" + tenant + "' has NULL in " + column + "; every"
                        + " tenant's cell needs a value: fix the catalog row or filter it out in tenants.sql");
            }
            values.put(column, value.toString().trim());
        }
        return values;
    }

    private static final java.util.regex.Pattern SHARD_VALUE = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** A shardColumn value, checked: it names work items ({@code shard-<value>}) and their result files. */
    static String shardValue(String tenant, Object value) {
        String shard = value == null ? null : value.toString().trim();
        if (shard == null || !SHARD_VALUE.matcher(shard).matches()) {
            // the value itself is row content, so it is described, not quoted
            throw new ContractException("tenants.shardColumn: tenant '" + tenant + "' has shard value "
                    + (shard == null ? "NULL" : shard.isEmpty() ? "'' (empty)" : "of " + shard.length() + " characters, not all of"
                    + " them allowed") + "; shard values name work items and files, so they must be"
                    + " 1-64 letters, digits, '_', '.', ':' or '-'; fix the data or map it in tenants.sql (e.g. with a CASE"
                    + " or md5), or use shardCount instead");
        }
        return shard;
    }

    static int hashShard(String tenant, int shardCount) {
        CRC32 crc = new CRC32();
        crc.update(tenant.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shardCount);
    }

    /**
     * Builds the work items.
     *
     * @param scope        null or empty = every active tenant; otherwise exactly these tenants (each must be active)
     * @param cache        the cache's nodes (more than one splits each shard per node) and the cluster slots none of
     *                     them serves: the first item of every shard reports those as skipped for its tenants
     */
    public static List<ShardWorkItem> plan(Tenants tenants, List<String> scope, RedisNodes.Coverage cache) {
        return plan(tenants, scope, shared(cache));
    }

    /**
     * Where each shard's keys are: one cache for every shard, or, with a cell contract, the shard's own cell. The
     * first shard of each distinct cache reports its unmapped keys.
     */
    public interface Placement {
        /** The nodes the shard's items scan, and the slots none of them serves. */
        RedisNodes.Coverage coverage(String shard);

        /** Which cache the shard's keys are on: shards with the same value share one. */
        String cache(String shard);

        /** The shard's cell, or null without cells. */
        Cell cell(String shard);

        /** True when every shard is a cell of its own (a cell contract). */
        default boolean cells() {
            return false;
        }
    }

    /** Every shard on one cache, as without cells. */
    public static Placement shared(RedisNodes.Coverage cache) {
        return new Placement() {
            @Override
            public RedisNodes.Coverage coverage(String shard) {
                return cache;
            }

            @Override
            public String cache(String shard) {
                return "";
            }

            @Override
            public Cell cell(String shard) {
                return null;
            }
        };
    }

    /** {@link #plan(Tenants, List, RedisNodes.Coverage)}, with each shard placed on its own cache and cell. */
    public static List<ShardWorkItem> plan(Tenants tenants, List<String> scope, Placement placement) {
        Set<String> selected = new LinkedHashSet<>();
        if (scope == null || scope.isEmpty()) {
            if (!tenants.invalidShard().isEmpty()) {
                throw new ContractException(tenants.invalidShard().values().iterator().next());
            }
            selected.addAll(tenants.ids());
        } else {
            List<String> unknown = new ArrayList<>();
            for (String t : scope) {
                if (tenants.invalidShard().containsKey(t)) {
                    throw new ContractException(tenants.invalidShard().get(t));
                }
                if (tenants.shardOf().containsKey(t)) {
                    selected.add(t);
                } else {
                    unknown.add(t);
                }
            }
            if (!unknown.isEmpty()) {
                // at most 10 ids: the message travels in the execution's state, which is limited to 256 KiB
                String listed = unknown.size() <= 10 ? unknown.toString()
                        : unknown.subList(0, 10).toString().replace("]", ", … and " + (unknown.size() - 10) + " more]");
                throw new InvalidInputException("tenantScope: tenants " + listed + " are not active (not returned by tenants.sql); "
                        + "remove them or use \"all\"");
            }
        }
        // Keys outside the tenants in scope are not this run's business: a scoped run reports no UNMAPPED keys,
        // so a gate for one tenant cannot fail because of another application's or tenant's keys.
        boolean scoped = scope != null && !scope.isEmpty();
        Map<String, List<String>> byShard = new TreeMap<>();
        for (String t : selected) {
            byShard.computeIfAbsent(tenants.shardOf().get(t), s -> new ArrayList<>()).add(t);
        }
        List<ShardWorkItem> items = new ArrayList<>();
        Set<String> reporting = new java.util.HashSet<>();
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            String shardId = "shard-" + e.getKey();
            RedisNodes.Coverage cache = placement.coverage(e.getKey());
            List<HostAndPort> cacheNodes = cache.nodes();
            Cell cell = placement.cell(e.getKey());
            boolean first = !scoped && reporting.add(placement.cache(e.getKey()));
            int from = items.size();
            // Slots that no node of the plan serves are this shard's keys too: one item per shard says so, which
            // makes the shard, its tenants and the run INCOMPLETE (never CONSISTENT with part of the keyspace unread).
            if (cacheNodes.size() <= 1) {
                items.add(new ShardWorkItem(shardId, e.getValue(), List.of(), first).withUncovered(cache.uncovered()));
            } else {
                for (int n = 0; n < cacheNodes.size(); n++) {
                    ShardWorkItem item = new ShardWorkItem(shardId + ".node-" + n, e.getValue(), List.of(cacheNodes.get(n).toString()), first);
                    items.add(n == 0 ? item.withUncovered(cache.uncovered()) : item);
                }
            }
            if (cell != null) {
                for (int i = from; i < items.size(); i++) {
                    items.set(i, items.get(i).withCell(cell));
                }
            }
        }
        if (items.isEmpty() && placement.cells()) {
            throw new ContractException("tenants.sql: returned no active tenant, so no cell is known to check (the cache"
                    + " and source are per cell); check the query and the catalog before running again");
        }
        if (items.isEmpty()) {
            // No tenant in scope: still scan once so unmapped keys and inactive tenants' keys are reported.
            items.add(new ShardWorkItem("shard-none", List.of(), List.of(), true)
                    .withUncovered(placement.coverage(null).uncovered()));
        }
        return items;
    }
}
