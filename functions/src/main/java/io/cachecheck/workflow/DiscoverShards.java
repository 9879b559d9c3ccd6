package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first two steps of a run: {@code validate} normalizes the execution input, {@code discover} lists the active
 * tenants and plans the work items. The active tenants are stored under {@code runs/<runId>/tenants.json}, where the
 * shard that reports unmapped keys reads them, and the work items under {@code runs/<runId>/work-items.json}, where
 * the Distributed Map reads them: the state carries only their locations, so a run has no work-item cap of its own.
 */
public final class DiscoverShards {
    private final WorkflowEnvironment env;

    public DiscoverShards(WorkflowEnvironment env) {
        this.env = env;
    }

    /** The handler's input; {@code input} is the raw execution input (validate) or the normalized one (discover). */
    public record Request(String operation, String runId, JsonNode input) {
    }

    /** The result of {@code validate}: the run's id and start, and the normalized input. */
    public record ValidatedRun(String runId, Instant startedAt, JsonNode input) {
    }

    /**
     * The result of {@code discover}: where the work items are, not the items themselves. The Distributed Map reads
     * them from {@code workItemsRef} (its ItemReader) and writes its results under {@code resultsPrefix} (its
     * ResultWriter), so the state stays the same few hundred bytes whatever the number of items.
     *
     * @param shards the planned items, for in-process callers; never serialized into the state
     */
    public record Discovery(String workItemsRef, String resultsPrefix, int itemCount, int tenantCount,
                            String tenantsRef, long durationMillis,
                            @com.fasterxml.jackson.annotation.JsonIgnore List<ShardWorkItem> shards,
                            String scanItemsRef, int scanCount, String scanResultsPrefix) {
        public Discovery(String workItemsRef, String resultsPrefix, int itemCount, int tenantCount, String tenantsRef,
                         long durationMillis, List<ShardWorkItem> shards) {
            this(workItemsRef, resultsPrefix, itemCount, tenantCount, tenantsRef, durationMillis, shards, null, 0, null);
        }
    }

    /**
     * Above this many bytes of tenant ids, a work item's tenant list is stored and referenced. Each child execution
     * of the Map carries one item (and a failed one's Catch copies its tenants), so this bounds every state of the
     * run, far under the 256 KiB payload quota.
     */
    static final int MAX_INLINE_TENANT_BYTES = 4 * 1024;

    static long inlineTenantBytes(ShardWorkItem item) {
        long bytes = 0;
        for (String tenant : item.tenants()) {
            bytes += tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3; // quotes and comma
        }
        return bytes;
    }

    public Object handle(Request request) {
        if (request.operation() == null) {
            throw new InvalidInputException("operation: is required; use \"validate\" or \"discover\"");
        }
        return switch (request.operation()) {
            case "validate" -> validate(request);
            case "discover" -> discover(request);
            default -> throw new InvalidInputException("operation: '" + request.operation()
                    + "' is unknown; use \"validate\" or \"discover\"");
        };
    }

    public ValidatedRun validate(Request request) {
        String runId = RunIds.check("runId", request.runId());
        ExecutionInput input = ExecutionInputParser.parse(request.input());
        return new ValidatedRun(runId, env.clock().instant(), ExecutionInputParser.toJson(input));
    }

    public Discovery discover(Request request) {
        Instant start = env.clock().instant();
        String runId = RunIds.check("runId", request.runId());
        ExecutionInput input = ExecutionInputParser.parse(request.input());
        Contract contract = env.contract();
        // with cells, tenants.sql runs on the catalog (tenants.source) and each cell's cache is found per shard
        RedisNodes nodes = contract.cells() ? null : RedisNodes.discover(contract.cache(), env.secrets());
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.discoverySource(), env.secrets(), contract.check().maxRetries(),
                contract.check().retryBackoffMillis())) {
            tenants = ShardPlanner.discover(contract, source);
        }
        CellPlacement cells = nodes == null ? new CellPlacement(contract, tenants, env.secrets()) : null;
        List<ShardWorkItem> items = ShardPlanner.plan(tenants, input.allTenants() ? null : input.tenantScope(),
                cells != null ? cells : ShardPlanner.shared(nodes.coverage()));
        io.cachecheck.check.ItemOptions options = input.itemOptions(items.size());
        if (!options.equals(io.cachecheck.check.ItemOptions.NONE)) {
            items = items.stream().map(i -> i.withOptions(options)).toList();
        }
        String tenantsRef = RunIds.tenantsKey(runId);
        env.store().put(tenantsRef, Json.bytes(new ArrayList<>(tenants.ids())), "application/json");
        List<ShardWorkItem> stored = new ArrayList<>(items.size());
        for (ShardWorkItem item : items) {
            if (inlineTenantBytes(item) > MAX_INLINE_TENANT_BYTES) {
                // A child execution's state over 256 KiB fails it with States.DataLimitExceeded, which no Catch
                // handles, so a shard with thousands of tenants carries a reference to its list instead.
                String ref = RunIds.workTenantsKey(runId, item.shardId());
                env.store().put(ref, Json.bytes(item.tenants()), "application/json");
                item = item.withTenantsRef(ref);
            }
            stored.add(item);
        }
        List<ScanNode.ScanItem> scans = List.of();
        if (env.settings().get(io.cachecheck.config.Settings.SHARED_SCAN)) {
            scans = planScans(runId, stored);
        }
        // The item list goes to the store, never into the state: the Map's ItemReader reads it from there.
        String workItemsRef = RunIds.workItemsKey(runId);
        env.store().put(workItemsRef, Json.bytes(stored), "application/json");
        String scanItemsRef = null;
        if (!scans.isEmpty()) {
            scanItemsRef = RunIds.scanItemsKey(runId);
            env.store().put(scanItemsRef, Json.bytes(scans), "application/json");
        }
        return new Discovery(workItemsRef, RunIds.mapResultsPrefix(runId), stored.size(), tenants.ids().size(),
                tenantsRef, Duration.between(start, env.clock().instant()).toMillis(), List.copyOf(stored),
                scanItemsRef, scans.size(), RunIds.scanResultsPrefix(runId));
    }

    /**
     * One scan item per cache node that two or more work items would each SCAN (docs/scale.md, "One scan per
     * key"); those items get {@code keysFrom} and read their keys from the store instead. A node only one item
     * scans stays as it is: no scan phase, no extra cost. Replaces the affected elements of {@code items}.
     */
    static List<ScanNode.ScanItem> planScans(String runId, List<ShardWorkItem> items) {
        // A node is its cache and its address in that cache. A cell item connects to its own cell's cache (the item's
        // cell carries the template values, not the endpoint), so items of different cells never share a scan.
        Map<List<String>, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ShardWorkItem item = items.get(i);
            String cache = item.cell() == null ? "" : "cell:" + item.cell().id();
            List<String> key = new ArrayList<>();
            key.add(cache);
            key.addAll(item.nodes());
            byNode.computeIfAbsent(key, n -> new ArrayList<>()).add(i);
        }
        List<ScanNode.ScanItem> scans = new ArrayList<>();
        for (Map.Entry<List<String>, List<Integer>> e : byNode.entrySet()) {
            List<String> nodes = e.getKey().subList(1, e.getKey().size());
            if (e.getValue().size() < 2 || nodes.size() > 1) {
                continue;
            }
            String scanId = "node-" + scans.size();
            String keysRef = RunIds.keysPrefix(runId, scanId);
            // the item that reports UNMAPPED keys on this node gets the keys no tenant claims, as its SCAN saw them
            int catchAll = e.getValue().get(0);
            for (int i : e.getValue()) {
                if (items.get(i).reportUnmapped()) {
                    catchAll = i;
                    break;
                }
            }
            for (int i : e.getValue()) {
                items.set(i, items.get(i).withKeysFrom(keysRef));
            }
            scans.add(new ScanNode.ScanItem(scanId, List.copyOf(nodes), items.get(catchAll).shardId(), keysRef));
        }
        return scans;
    }
}
