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
import java.util.List;

/**
 * The first two steps of a run: {@code validate} normalizes the execution input, {@code discover} lists the active
 * tenants and plans the work items. The active tenants are stored under {@code runs/<runId>/tenants.json}, where the
 * shard that reports unmapped keys reads them, so the state carries only the plan.
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

    /** The result of {@code discover}. */
    public record Discovery(List<ShardWorkItem> shards, int tenantCount, String tenantsRef, long durationMillis) {
    }

    /**
     * Above this many bytes of tenant ids in the plan, tenant lists are stored and referenced. It leaves most of the
     * 256 KiB payload quota to the rest of the state (input, shard summaries).
     */
    static final int MAX_INLINE_TENANT_BYTES = 64 * 1024;

    /**
     * The most work items one run may plan. The state after the Map holds every item (about 300 bytes with a
     * tenant list reference) and every shard summary (about 450 bytes): 250 of each stay well under 256 KiB.
     */
    static final int MAX_WORK_ITEMS = 250;

    static void checkWorkItemCount(int items, int cacheNodes) {
        if (items > MAX_WORK_ITEMS) {
            throw new io.cachecheck.error.ContractException("tenants: the run plans " + items + " work items (shards"
                    + (cacheNodes > 1 ? " x " + cacheNodes + " cache nodes" : "") + "), more than the " + MAX_WORK_ITEMS
                    + " one Step Functions execution can carry under its 256 KiB state quota; lower tenants.shardCount"
                    + " (or group tenants into fewer tenants.shardColumn values), or split the run with tenantScope");
        }
    }

    static long inlineTenantBytes(List<ShardWorkItem> items) {
        long bytes = 0;
        for (ShardWorkItem item : items) {
            for (String tenant : item.tenants()) {
                bytes += tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3; // quotes and comma
            }
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
        checkWorkItemCount(items.size(), cells != null ? cells.mostNodes() : nodes.nodes().size());
        String tenantsRef = RunIds.tenantsKey(runId);
        env.store().put(tenantsRef, Json.bytes(new ArrayList<>(tenants.ids())), "application/json");
        if (inlineTenantBytes(items) > MAX_INLINE_TENANT_BYTES) {
            // Step Functions fails the whole execution (States.DataLimitExceeded, which no Catch handles) when a
            // state's data passes 256 KiB, so large tenant lists go to the store and the items carry references.
            List<ShardWorkItem> referenced = new ArrayList<>(items.size());
            for (ShardWorkItem item : items) {
                String ref = RunIds.workTenantsKey(runId, item.shardId());
                env.store().put(ref, Json.bytes(item.tenants()), "application/json");
                referenced.add(item.withTenantsRef(ref));
            }
            items = referenced;
        }
        return new Discovery(items, tenants.ids().size(), tenantsRef,
                Duration.between(start, env.clock().instant()).toMillis());
    }
}
