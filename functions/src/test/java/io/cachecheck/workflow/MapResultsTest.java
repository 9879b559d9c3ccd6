package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Verdict;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Aggregate's reading of a Distributed Map's results: every work item ends with one summary, never none. */
class MapResultsTest {
    private static final String RUN = "run-7";
    private static final String BASE = "runs/run-7/map/4f1c1d7e-0000-4000-8000-000000000001";

    @TempDir
    Path dir;

    private DirectoryObjectStore store() {
        DirectoryObjectStore store = new DirectoryObjectStore(dir);
        List<ShardWorkItem> items = List.of(
                new ShardWorkItem("shard-a", List.of("acme"), List.of(), true),
                new ShardWorkItem("shard-b", List.of("globex"), List.of(), false),
                new ShardWorkItem("shard-c", List.of("initech"), List.of(), false),
                new ShardWorkItem("shard-d", List.of("umbrella"), List.of(), false),
                new ShardWorkItem("shard-e", List.of("hooli"), List.of(), false));
        store.put(RunIds.workItemsKey(RUN), Json.bytes(items), "application/json");
        return store;
    }

    /** One entry of a result file, as the ResultWriter writes it (Transformation NONE). */
    private static ObjectNode child(String shardId, String tenant, String status, Object output, String error, String cause) {
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("ExecutionArn", "arn:aws:states:eu-west-1:123456789012:execution:cc-validation/ValidateShards:" + shardId);
        entry.put("Input", new String(Json.bytes(Map.of("runId", RUN, "item",
                new ShardWorkItem(shardId, List.of(tenant), List.of(), false)))));
        entry.putObject("InputDetails").put("Included", true);
        entry.put("Name", shardId);
        if (output != null) {
            entry.put("Output", new String(Json.bytes(output)));
            entry.putObject("OutputDetails").put("Included", true);
        }
        if (error != null) {
            entry.put("Error", error);
            entry.put("Cause", cause);
        }
        entry.put("RedriveCount", 0);
        entry.put("Status", status);
        return entry;
    }

    private static void manifest(DirectoryObjectStore store, ArrayNode succeeded, ArrayNode failed) {
        store.put(BASE + "/SUCCEEDED_0.json", Json.bytes(succeeded), "application/json");
        store.put(BASE + "/FAILED_0.json", Json.bytes(failed), "application/json");
        ObjectNode manifest = Json.MAPPER.createObjectNode().put("DestinationBucket", "b")
                .put("MapRunArn", "arn:aws:states:eu-west-1:123456789012:mapRun:cc-validation/ValidateShards:x");
        ObjectNode files = manifest.putObject("ResultFiles");
        files.putArray("FAILED").addObject().put("Key", BASE + "/FAILED_0.json").put("Size", 1);
        files.putArray("PENDING");
        files.putArray("SUCCEEDED").addObject().put("Key", BASE + "/SUCCEEDED_0.json").put("Size", 1);
        store.put(BASE + "/manifest.json", Json.bytes(manifest), "application/json");
    }

    private static MapResults.MapOutput written() {
        return new MapResults.MapOutput("arn:...:mapRun:x", new MapResults.ResultWriterDetails("b", BASE + "/manifest.json"),
                null, null);
    }

    @Test
    void read_givesEveryWorkItemOneSummary_failedChildrenAndMissingOnesIncomplete() {
        DirectoryObjectStore store = store();
        ShardSummary checked = new ShardSummary("shard-a", Verdict.DRIFT, Map.of(DriftClass.STALE, 2L), 10, 10, 0, 2,
                RunIds.shardKey(RUN, "shard-a"), 5, null, null, null);
        ArrayNode succeeded = Json.MAPPER.createArrayNode();
        succeeded.add(child("shard-a", "acme", "SUCCEEDED", checked, null, null));
        // the ItemProcessor's Catch (ShardFailed) turned a ValidateShard error into an INCOMPLETE summary
        succeeded.add(child("shard-b", "globex", "SUCCEEDED", Map.of("shardId", "shard-b", "verdict", "INCOMPLETE",
                "tenants", List.of("globex"), "error", "io.cachecheck.error.SourceUnavailableException", "cause", "db down"),
                null, null));
        ArrayNode failed = Json.MAPPER.createArrayNode();
        // a child that failed past the Catch (e.g. States.DataLimitExceeded), and one that timed out
        failed.add(child("shard-c", "initech", "FAILED", null, "States.DataLimitExceeded", "too big"));
        failed.add(child("shard-d", "umbrella", "TIMED_OUT", null, null, null));
        manifest(store, succeeded, failed);

        List<ShardSummary> summaries = MapResults.read(store, RUN, RunIds.workItemsKey(RUN), written());

        assertThat(summaries).extracting(s -> s.shardId() + " " + s.verdict() + " " + s.failed() + " " + s.error())
                .containsExactly(
                        "shard-a DRIFT false null",
                        "shard-b INCOMPLETE true io.cachecheck.error.SourceUnavailableException",
                        "shard-c INCOMPLETE true States.DataLimitExceeded",
                        "shard-d INCOMPLETE true States.TIMED_OUT",
                        "shard-e INCOMPLETE true " + MapResults.NO_RESULT);
        assertThat(summaries.get(0)).isEqualTo(checked);
        assertThat(summaries.get(2).tenants()).containsExactly("initech");
        assertThat(summaries.get(4).tenants()).containsExactly("hooli");
        assertThat(summaries.get(4).cause()).contains("wrote no result");
    }

    @Test
    void read_whenTheMapRunItselfFailed_reportsEveryWorkItemIncompleteWithTheMapsError() {
        DirectoryObjectStore store = store();

        List<ShardSummary> summaries = MapResults.read(store, RUN, RunIds.workItemsKey(RUN),
                new MapResults.MapOutput(null, null, "States.ResultWriterFailed", "access denied"));

        assertThat(summaries).hasSize(5).allSatisfy(s -> {
            assertThat(s.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(s.failed()).isTrue();
            assertThat(s.cause()).contains("States.ResultWriterFailed");
        });
    }

    @Test
    void read_aSucceededChildAndAFailedRetryOfTheSameItem_keepsTheSuccessOnce() {
        DirectoryObjectStore store = store();
        ShardSummary ok = new ShardSummary("shard-a", Verdict.CONSISTENT, Map.of(), 1, 1, 0, 0,
                RunIds.shardKey(RUN, "shard-a"), 5, null, null, null);
        ArrayNode succeeded = Json.MAPPER.createArrayNode().add(child("shard-a", "acme", "SUCCEEDED", ok, null, null));
        ArrayNode failed = Json.MAPPER.createArrayNode().add(child("shard-a", "acme", "FAILED", null, "States.Timeout", "x"));
        manifest(store, succeeded, failed);

        List<ShardSummary> summaries = MapResults.read(store, RUN, RunIds.workItemsKey(RUN), written());

        assertThat(summaries).filteredOn(s -> s.shardId().equals("shard-a")).containsExactly(ok);
    }

    @Test
    void read_anOutputThatIsNoShardSummary_isIncomplete_andExtraInputFieldsDoNotMatter() throws Exception {
        DirectoryObjectStore store = store();
        ObjectNode odd = child("shard-a", "acme", "SUCCEEDED", Map.of("shardId", "shard-a", "verdict", "CONSISTENT",
                "checkpoint", "x"), null, null);
        ObjectNode input = (ObjectNode) Json.MAPPER.readTree(odd.get("Input").asText());
        ((ObjectNode) input.get("item")).put("continuation", 3);
        odd.put("Input", input.toString());
        manifest(store, Json.MAPPER.createArrayNode().add(odd), Json.MAPPER.createArrayNode());

        List<ShardSummary> summaries = MapResults.read(store, RUN, RunIds.workItemsKey(RUN), written());

        assertThat(summaries.get(0).shardId()).isEqualTo("shard-a");
        assertThat(summaries.get(0).verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(summaries.get(0).error()).isEqualTo("cachecheck.UnreadableMapResult");
        assertThat(summaries.get(0).tenants()).containsExactly("acme");
    }

    @Test
    void read_refusesAnotherRunsWorkItemsOrAManifestOutsideTheRunsPrefix() {
        DirectoryObjectStore store = store();
        assertThatThrownBy(() -> MapResults.read(store, RUN, "runs/other/work-items.json", written()))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("workItemsRef: 'runs/other/work-items.json'");
        assertThatThrownBy(() -> MapResults.read(store, RUN, RunIds.workItemsKey(RUN), new MapResults.MapOutput(null,
                new MapResults.ResultWriterDetails("b", "audit/manifest.json"), null, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("runs/run-7/map/");
    }
}
