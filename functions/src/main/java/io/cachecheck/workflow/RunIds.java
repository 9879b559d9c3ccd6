package io.cachecheck.workflow;

import io.cachecheck.error.InvalidInputException;

import java.util.regex.Pattern;

/**
 * Object keys of a run in the store. Working files (tenant list, shard results) go under {@code runs/<runId>/},
 * which the bucket's lifecycle rule expires; the audit log goes under {@code audit/}, which is kept. Ids are checked
 * so a key can never leave its prefix.
 */
public final class RunIds {
    /** The same rule as baseline names ({@code baselines/<runId>.json}), so every run can save its baseline. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private RunIds() {
    }

    public static String check(String field, String id) {
        if (id == null || !SAFE.matcher(id).matches() || id.contains("..") || id.equals("latest")) {
            throw new InvalidInputException(field + ": '" + id + "' is not a valid id; use 1-128 letters, digits, _ . : -"
                    + " starting with a letter or digit, not 'latest'"
                    + (field.equals("runId") ? " (the state machine passes $$.Execution.Name)" : ""));
        }
        return id;
    }

    public static String tenantsKey(String runId) {
        return "runs/" + runId + "/tenants.json";
    }

    /** A work item's tenant list, when the lists are too large for the state machine's payloads. */
    public static String workTenantsKey(String runId, String shardId) {
        return "runs/" + runId + "/work/" + shardId + ".tenants.json";
    }

    /** The run's work items, a JSON array of {@link io.cachecheck.check.ShardWorkItem}: the Map's ItemReader reads it. */
    public static String workItemsKey(String runId) {
        return "runs/" + runId + "/work-items.json";
    }

    /** Where the Map's ResultWriter writes {@code <uuid>/manifest.json} and the result files of the run. */
    public static String mapResultsPrefix(String runId) {
        return "runs/" + runId + "/map";
    }

    /**
     * The scan phase's items (a JSON array of {@link ScanNode.ScanItem}); under the Map prefix, which the state
     * machine's role may already read, as its ItemReader needs.
     */
    public static String scanItemsKey(String runId) {
        return mapResultsPrefix(runId) + "/scan-items.json";
    }

    /** Where the scan phase's Distributed Map writes its manifest and result files. */
    public static String scanResultsPrefix(String runId) {
        return mapResultsPrefix(runId) + "/scan";
    }

    /** Where the scan phase stores the key lists of all nodes of a run. */
    public static String keysRoot(String runId) {
        return "runs/" + runId + "/keys/";
    }

    /** Where the scan item {@code scanId} stores its node's key lists and its record. */
    public static String keysPrefix(String runId, String scanId) {
        return keysRoot(runId) + scanId;
    }

    public static String shardKey(String runId, String shardId) {
        return "runs/" + runId + "/shards/" + shardId + ".json";
    }

    /** A work item's checkpoint number {@code sequence} (1, 2, ...): written once, read by its continuation. */
    public static String checkpointKey(String runId, String shardId, int sequence) {
        return "runs/" + runId + "/checkpoints/" + shardId + "/" + sequence + ".json";
    }

    public static String auditLogKey(String runId) {
        return "audit/" + runId + ".json";
    }
}
