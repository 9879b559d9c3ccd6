package io.cachecheck.workflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.store.ObjectStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the Distributed Map wrote, for Aggregate: the work items DiscoverShards stored (the Map's ItemReader
 * input) and the ResultWriter's {@code manifest.json} with its {@code SUCCEEDED_n.json}, {@code FAILED_n.json} and
 * {@code PENDING_n.json} files. It returns one {@link ShardSummary} per work item, in plan order: the child's output
 * when it succeeded (a ValidateShard summary, or the ShardFailed placeholder its Catch made), an INCOMPLETE
 * placeholder when the child failed, timed out, was aborted or never started, and an INCOMPLETE placeholder for every
 * item with no result at all. So a work item can end without its check, but never without a line in the audit log.
 */
public final class MapResults {
    /** Error of a work item the Map run wrote no result for (or that never started). */
    public static final String NO_RESULT = "cachecheck.NoMapResult";

    private MapResults() {
    }

    /**
     * The Map state's output at {@code $.map}: the ResultWriter's {@code {MapRunArn, ResultWriterDetails}} when the
     * Map ran, or {@code {Error, Cause}} when its Catch caught a failure of the Map run itself.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MapOutput(@JsonProperty("MapRunArn") String mapRunArn,
                            @JsonProperty("ResultWriterDetails") ResultWriterDetails resultWriterDetails,
                            @JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {
    }

    /** Where the ResultWriter put the manifest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ResultWriterDetails(@JsonProperty("Bucket") String bucket, @JsonProperty("Key") String key) {
    }

    /** One child execution in a result file (Transformation NONE: the metadata and the execution's input/output). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ChildExecution(@JsonProperty("Name") String name, @JsonProperty("Status") String status,
                          @JsonProperty("Input") String input, @JsonProperty("Output") String output,
                          @JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {
    }

    /**
     * @param workItemsRef the key DiscoverShards returned; must be this run's
     * @param map          the Map state's output; null or without ResultWriterDetails means the Map run failed
     */
    public static List<ShardSummary> read(ObjectStore store, String runId, String workItemsRef, MapOutput map) {
        String expected = RunIds.workItemsKey(runId);
        if (!expected.equals(workItemsRef)) {
            throw new InvalidInputException("workItemsRef: '" + workItemsRef + "' is not this run's work items; expected '"
                    + expected + "' as written by DiscoverShards");
        }
        List<ShardWorkItem> items = readJson(store, expected, new TypeReference<>() { }, "the run's work items");
        Map<String, ShardSummary> byShard = new LinkedHashMap<>();
        String noResultCause;
        if (map == null || map.resultWriterDetails() == null) {
            noResultCause = "the Map run failed before writing its results"
                    + (map != null && map.error() != null ? " (" + map.error() + ")" : "")
                    + "; this work item was not checked";
        } else {
            noResultCause = "the Map run wrote no result for this work item; it was not checked";
            readManifest(store, runId, map.resultWriterDetails(), byShard);
        }
        List<ShardSummary> summaries = new ArrayList<>(items.size());
        for (ShardWorkItem item : items) {
            ShardSummary s = byShard.get(item.shardId());
            summaries.add(s != null ? s : failed(item, NO_RESULT, noResultCause));
        }
        return summaries;
    }

    private static void readManifest(ObjectStore store, String runId, ResultWriterDetails details,
                                     Map<String, ShardSummary> byShard) {
        String prefix = RunIds.mapResultsPrefix(runId) + "/";
        checkUnder(details.key(), prefix, "map.ResultWriterDetails.Key");
        store.bucket().ifPresent(bucket -> {
            if (!bucket.equals(details.bucket())) {
                throw new InvalidInputException("map.ResultWriterDetails.Bucket: '" + details.bucket() + "' is not the run's"
                        + " bucket '" + bucket + "'; the ResultWriter must write to the bucket of CACHECHECK_AUDIT_BUCKET");
            }
        });
        JsonNode manifest = readJson(store, details.key(), new TypeReference<>() { }, "the Map run's manifest");
        JsonNode files = manifest.path("ResultFiles");
        // SUCCEEDED first: a work item that was redriven after a failure keeps its successful result.
        for (String status : List.of("SUCCEEDED", "FAILED", "PENDING")) {
            for (JsonNode file : files.path(status)) {
                String key = file.path("Key").asText(null);
                checkUnder(key, prefix, "manifest ResultFiles." + status + "[].Key");
                List<ChildExecution> children = readJson(store, key, new TypeReference<>() { }, "a Map result file");
                for (ChildExecution child : children) {
                    ShardSummary s = summary(status, child, key);
                    byShard.putIfAbsent(s.shardId(), s);
                }
            }
        }
    }

    /**
     * One child's result as a summary; its work item comes from the child's input, as the Map passed it. Only the
     * item's {@code shardId} and {@code tenants} are read, so fields a later ItemSelector adds do not matter.
     */
    private static ShardSummary summary(String status, ChildExecution child, String file) {
        JsonNode item;
        try {
            item = child.input() == null ? null : Json.MAPPER.readTree(child.input()).path("item");
        } catch (IOException e) {
            item = null;
        }
        if (item == null || !item.path("shardId").isTextual()) {
            throw new CacheCheckException("Map result file " + file + ": child execution " + child.name()
                    + " has no item.shardId in its input; the file is written by the Map's ResultWriter");
        }
        String shardId = item.get("shardId").textValue();
        List<String> tenants = new ArrayList<>();
        item.path("tenants").forEach(t -> tenants.add(t.asText()));
        if ("SUCCEEDED".equals(status) && "SUCCEEDED".equals(child.status()) && child.output() != null) {
            try {
                ShardSummary s = Json.MAPPER.readValue(child.output(), ShardSummary.class);
                if (shardId.equals(s.shardId())) {
                    return s;
                }
            } catch (IOException e) {
                return failed(shardId, tenants, "cachecheck.UnreadableMapResult", "the child execution's output is not"
                        + " a shard summary; this work item counts as not checked");
            }
            return failed(shardId, tenants, "cachecheck.UnreadableMapResult", "the child execution's output names"
                    + " another shard; this work item counts as not checked");
        }
        if ("PENDING".equals(status)) {
            return failed(shardId, tenants, NO_RESULT, "the Map run ended before this work item started; it was not checked");
        }
        String error = child.error() != null ? child.error() : "States." + (child.status() == null ? "Failed" : child.status());
        return failed(shardId, tenants, error, child.cause());
    }

    private static ShardSummary failed(ShardWorkItem item, String error, String cause) {
        return failed(item.shardId(), item.tenants(), error, cause);
    }

    private static ShardSummary failed(String shardId, List<String> tenants, String error, String cause) {
        return new ShardSummary(shardId, io.cachecheck.check.Verdict.INCOMPLETE, null, 0, 0, 0, 0, null, 0,
                List.copyOf(tenants), error, cause);
    }

    private static void checkUnder(String key, String prefix, String field) {
        if (key == null || !key.startsWith(prefix) || key.contains("..")) {
            throw new InvalidInputException(field + ": '" + key + "' is not under this run's Map results " + prefix
                    + "; the ResultWriter's Prefix must be DiscoverShards' resultsPrefix");
        }
    }

    private static <T> T readJson(ObjectStore store, String key, TypeReference<T> type, String what) {
        byte[] json = store.get(key).orElseThrow(() -> new CacheCheckException(what + " at " + store.location(key)
                + " is missing; check the bucket's lifecycle rules and that the run's Map state wrote it"));
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new CacheCheckException(what + " at " + store.location(key) + " is not the JSON the Map state writes ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }
}
