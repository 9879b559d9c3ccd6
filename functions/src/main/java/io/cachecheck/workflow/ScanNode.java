package io.cachecheck.workflow;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.NodeScanRecord;
import io.cachecheck.check.SharedScan;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.InvalidInputException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scan phase's step for one cache node (docs/scale.md, "One scan per key"): SCANs the node once and stores, for
 * every work item that shares it, the keys that item checks, under {@code runs/<runId>/keys/<scanId>/}. Runs in the
 * ValidateShard function (same cache and store access), before the ValidateShards Map.
 */
public final class ScanNode {
    private final WorkflowEnvironment env;

    public ScanNode(WorkflowEnvironment env) {
        this.env = env;
    }

    /**
     * One node to scan.
     *
     * @param scanId   e.g. {@code node-0}
     * @param nodes    the node ({@code host:port}); empty = the cache's only node
     * @param catchAll the work item that gets the keys no planned tenant claims (the one reporting UNMAPPED keys)
     * @param keysRef  {@link RunIds#keysPrefix}: where the key lists go; the items reading them have it as keysFrom
     */
    public record ScanItem(String scanId, List<String> nodes, String catchAll, String keysRef) {
        public ScanItem {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
        }
    }

    public record Request(String runId, ScanItem scan) {
    }

    /** What the state machine gets back: a few figures; the record itself is stored next to the key lists. */
    public record ScanSummary(String scanId, long keysScanned, int restarts, int skipped, String recordRef,
                              long durationMillis) {
    }

    /** @param remainingMillis time left before the caller is killed; the scan stops a safety margin earlier */
    public ScanSummary scan(Request request, long remainingMillis) {
        String runId = RunIds.check("runId", request.runId());
        ScanItem scan = request.scan();
        if (scan == null) {
            throw new InvalidInputException("scan: is required; pass one element of runs/<runId>/map/scan-items.json");
        }
        RunIds.check("scan.scanId", scan.scanId());
        if (!RunIds.keysPrefix(runId, scan.scanId()).equals(scan.keysRef())) {
            throw new InvalidInputException("scan.keysRef: '" + scan.keysRef() + "' is not this run's key list prefix;"
                    + " expected '" + RunIds.keysPrefix(runId, scan.scanId()) + "' as written by DiscoverShards");
        }
        List<ShardWorkItem> items = items(runId, scan);
        ShardWorkItem catchAll = items.stream().filter(item -> item.shardId().equals(scan.catchAll())).findFirst()
                .orElseThrow(() -> new InvalidInputException("scan.catchAll: '" + scan.catchAll() + "' is not a work item"
                        + " reading " + scan.keysRef() + "; re-run DiscoverShards"));
        // the items of one scan share one cache (DiscoverShards groups cell items by their cell's cache)
        Contract contract = env.contract().inCell(catchAll.cell());
        Instant now = env.clock().instant();
        Instant deadline = now.plusMillis(remainingMillis - 1000L * env.settings().get(Settings.DEADLINE_MARGIN_SECONDS));
        if (contract.check().deadlineSeconds() > 0) {
            Instant contractDeadline = now.plusSeconds(contract.check().deadlineSeconds());
            deadline = contractDeadline.isBefore(deadline) ? contractDeadline : deadline;
        }
        int budget = env.settings().get(Settings.INVOCATION_BUDGET_MILLIS);
        if (budget > 0 && now.plusMillis(budget).isBefore(deadline)) {
            // shorter invocations, as ValidateShard's: a scan that does not fit leaves the node to the items' SCANs
            deadline = now.plusMillis(budget);
        }
        Map<String, String> itemOfTenant = itemOfTenant(runId, items);
        long millis = Math.max(1, Duration.between(now, deadline).toMillis());
        RedisNodes redis = RedisNodes.discover(contract.cache(), env.secrets(), (int) Math.min(Integer.MAX_VALUE, millis));
        StoredKeyLists lists = new StoredKeyLists(env.store(), scan.keysRef(), env.redactor().sealer());
        // the items of a run share one set of options (sample, caps): their per-item cache-read share caps this SCAN
        NodeScanRecord record = new SharedScan(contract, redis).scan(scan.scanId(), scan.nodes(), itemOfTenant,
                scan.catchAll(), catchAll.options(), lists, deadline);
        return new ScanSummary(scan.scanId(), record.keysScanned(), record.restarts(), record.skipped().size(),
                lists.recordKey(), record.durationMillis());
    }

    /** The run's work items that read this scan's lists. */
    private List<ShardWorkItem> items(String runId, ScanItem scan) {
        String ref = RunIds.workItemsKey(runId);
        byte[] json = env.store().get(ref).orElseThrow(() -> new InvalidInputException(
                "runId: no work items at " + env.store().location(ref) + "; run DiscoverShards for this run first"));
        List<ShardWorkItem> all;
        try {
            all = Json.MAPPER.readValue(json, new TypeReference<List<ShardWorkItem>>() { });
        } catch (IOException e) {
            throw new InvalidInputException("runId: the work items at " + env.store().location(ref)
                    + " cannot be read (" + e.getMessage() + "); re-run DiscoverShards");
        }
        List<ShardWorkItem> mine = new ArrayList<>();
        for (ShardWorkItem item : all) {
            if (scan.keysRef().equals(item.keysFrom())) {
                mine.add(item);
            }
        }
        return mine;
    }

    private Map<String, String> itemOfTenant(String runId, List<ShardWorkItem> items) {
        Map<String, String> out = new HashMap<>();
        for (ShardWorkItem item : items) {
            List<String> tenants = item.tenants();
            if (item.tenantsRef() != null) {
                String expected = RunIds.workTenantsKey(runId, item.shardId());
                if (!item.tenantsRef().equals(expected)) {
                    throw new InvalidInputException("work item " + item.shardId() + ": tenantsRef '" + item.tenantsRef()
                            + "' is not this run's; re-run DiscoverShards");
                }
                byte[] json = env.store().get(expected).orElseThrow(() -> new InvalidInputException("work item "
                        + item.shardId() + ": no tenant list at " + env.store().location(expected) + "; re-run DiscoverShards"));
                tenants = Json.strings(json, "tenant list " + expected);
            }
            for (String tenant : tenants) {
                out.put(tenant, item.shardId());
            }
        }
        return out;
    }
}
