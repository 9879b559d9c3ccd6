package io.cachecheck.local.asl;

import static io.cachecheck.local.asl.AslTestSupport.MAPPER;
import static io.cachecheck.local.asl.AslTestSupport.NO_SLEEP;
import static io.cachecheck.local.asl.AslTestSupport.definition;
import static io.cachecheck.local.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AslDistributedMapTest {

    private static final String BUCKET = "runs-bucket";

    /** An in-memory bucket; any other bucket name is refused, as the state machine role would be. */
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final S3Objects s3 = new S3Objects() {
        @Override
        public Optional<byte[]> get(String bucket, String key) {
            assertThat(bucket).isEqualTo(BUCKET);
            return Optional.ofNullable(objects.get(key));
        }

        @Override
        public void put(String bucket, String key, byte[] content) {
            assertThat(bucket).isEqualTo(BUCKET);
            objects.put(key, content);
        }
    };
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();

    /** Doubles n; fails (as a Lambda error) for every n ending in 7. */
    private JsonNode work(String function, JsonNode payload) {
        int now = running.incrementAndGet();
        mostRunning.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(20);
            int n = payload.get("n").asInt();
            if (n % 10 == 7) {
                throw new TaskFailedException("Boom", "n=" + n);
            }
            return json("{'doubled': " + 2 * n + ", 'index': " + payload.get("index").asInt() + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            running.decrementAndGet();
        }
    }

    private void items(int items) {
        List<Map<String, Integer>> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            list.add(Map.of("n", i));
        }
        try {
            objects.put("in/items.json", MAPPER.writeValueAsBytes(list));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ExecutionResult run(String definition, int items, int concurrency, int toleratedPercent) {
        items(items);
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of("Bucket", BUCKET), this::work, NO_SLEEP, s3);
        return interpreter.execute("exec-1", json("{'run': 'r1', 'itemsKey': 'in/items.json', 'prefix': 'out/map',"
                + " 'concurrency': " + concurrency + ", 'tolerated': " + toleratedPercent + "}"));
    }

    private JsonNode object(String key) throws Exception {
        assertThat(objects).containsKey(key);
        return MAPPER.readTree(objects.get(key));
    }

    @Test
    void distributedMap_readsItemsFromTheStore_writesTheManifestAndResultFilesAsTheResultWriterDoes() throws Exception {
        ExecutionResult result = run(definition("distributed-map.asl.json"), 25, 3, 100);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode details = result.output().get("map").get("ResultWriterDetails");
        assertThat(details.get("Bucket").asText()).isEqualTo(BUCKET);
        String manifestKey = details.get("Key").asText();
        assertThat(manifestKey).matches("out/map/[0-9a-f-]{36}/manifest\\.json");
        String base = manifestKey.substring(0, manifestKey.length() - "/manifest.json".length());
        JsonNode manifest = object(manifestKey);
        assertThat(manifest.get("DestinationBucket").asText()).isEqualTo(BUCKET);
        assertThat(manifest.get("MapRunArn").asText()).isEqualTo(result.output().get("map").get("MapRunArn").asText())
                .contains(":mapRun:local/Fan:");
        assertThat(manifest.get("ResultFiles").get("PENDING")).isEmpty();
        assertThat(manifest.get("ResultFiles").get("SUCCEEDED").get(0).get("Key").asText()).isEqualTo(base + "/SUCCEEDED_0.json");
        assertThat(manifest.get("ResultFiles").get("SUCCEEDED").get(0).get("Size").asInt())
                .isEqualTo(objects.get(base + "/SUCCEEDED_0.json").length);

        JsonNode succeeded = object(base + "/SUCCEEDED_0.json");
        assertThat(succeeded).hasSize(23);
        for (JsonNode child : succeeded) {
            assertThat(child.get("Status").asText()).isEqualTo("SUCCEEDED");
            JsonNode input = MAPPER.readTree(child.get("Input").asText());
            JsonNode output = MAPPER.readTree(child.get("Output").asText());
            assertThat(input.get("run").asText()).isEqualTo("r1");
            assertThat(output.get("doubled").asInt()).isEqualTo(2 * input.get("n").asInt());
            assertThat(child.get("ExecutionArn").asText()).contains(":execution:local/Fan:").endsWith(child.get("Name").asText());
        }
        JsonNode failed = object(base + "/FAILED_0.json");
        assertThat(failed).extracting(f -> f.get("Error").asText() + " " + f.get("Cause").asText() + " " + f.get("Status").asText())
                .containsExactlyInAnyOrder("Boom n=7 FAILED", "Boom n=17 FAILED");

        // each item ran as a child execution with its own history; the parent's history has only the Map Run
        assertThat(result.childExecutions()).hasSize(25);
        assertThat(result.childExecutions()).allSatisfy(c -> assertThat(c.history()).extracting(StateEvent::stateName)
                .containsOnly("Work"));
        assertThat(result.history()).extracting(StateEvent::type)
                .containsExactly("entered", "mapRunStarted", "mapRunSucceeded", "succeeded");
        assertThat(mostRunning.get()).isBetween(2, 3);
        assertThat(result.largestPayloadBytes()).isPositive().isLessThan(1024);
    }

    @Test
    void distributedMap_pastTheToleratedFailures_failsWithExceedToleratedFailureThreshold_andStopsStartingChildren() {
        ExecutionResult result = run(definition("distributed-map.asl.json"), 200, 2, 0);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        assertThat(result.cause()).contains("1 of 200 child executions failed, more than the tolerated 0.0% of the items.");
        assertThat(result.childExecutions().size()).isLessThan(200);
    }

    @Test
    void distributedMap_withinTheToleratedPercentage_succeeds() {
        // 2 of 20 items fail: 10% is tolerated
        ExecutionResult result = run(definition("distributed-map.asl.json"), 20, 4, 10);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.childExecutions()).filteredOn(c -> c.status() == ExecutionStatus.FAILED).hasSize(2);
    }

    @Test
    void distributedMap_toleratedFailureCount_failsOnlyPastTheCount() {
        // 2 of 20 items fail (n = 7 and 17)
        String byCount = definition("distributed-map.asl.json")
                .replace("\"ToleratedFailurePercentagePath\": \"$.tolerated\"", "\"ToleratedFailureCountPath\": \"$.tolerated\"");

        items(20);
        ExecutionResult two = AslInterpreter.create(byCount, Map.of("Bucket", BUCKET), this::work, NO_SLEEP, s3)
                .execute("exec-4", json("{'run': 'r4', 'itemsKey': 'in/items.json', 'prefix': 'out', 'concurrency': 1,"
                        + " 'tolerated': 2}"));
        ExecutionResult one = AslInterpreter.create(byCount, Map.of("Bucket", BUCKET), this::work, NO_SLEEP, s3)
                .execute("exec-5", json("{'run': 'r5', 'itemsKey': 'in/items.json', 'prefix': 'out', 'concurrency': 1,"
                        + " 'tolerated': 1}"));

        assertThat(two.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(one.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(one.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        assertThat(one.cause()).endsWith("2 of 20 child executions failed, more than the tolerated 1 failure(s).");
        // one at a time: the Map run stops starting children once the second one failed, at n = 17
        assertThat(one.childExecutions()).hasSize(18);
    }

    @Test
    void distributedMap_readsJsonLines() throws Exception {
        String jsonl = definition("distributed-map.asl.json").replace("\"InputType\": \"JSON\"", "\"InputType\": \"JSONL\"");
        AslInterpreter interpreter = AslInterpreter.create(jsonl, Map.of("Bucket", BUCKET), this::work, NO_SLEEP, s3);
        objects.put("in/items.jsonl", "{\"n\": 1}\n{\"n\": 2}\n\n{\"n\": 3}\n".getBytes(StandardCharsets.UTF_8));

        ExecutionResult result = interpreter.execute("exec-2", json("{'run': 'r2', 'itemsKey': 'in/items.jsonl',"
                + " 'prefix': 'out/', 'concurrency': 0, 'tolerated': 0}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String key = result.output().get("map").get("ResultWriterDetails").get("Key").asText();
        assertThat(key).matches("out/[0-9a-f-]{36}/manifest\\.json");
        JsonNode succeeded = object(key.replace("manifest.json", "SUCCEEDED_0.json"));
        assertThat(succeeded).extracting(c -> MAPPER.readTree(c.get("Output").asText()).get("doubled").asInt())
                .containsExactlyInAnyOrder(2, 4, 6);
    }

    @Test
    void distributedMap_whenTheItemsObjectIsMissing_failsWithItemReaderFailed() {
        AslInterpreter interpreter = AslInterpreter.create(definition("distributed-map.asl.json"), Map.of("Bucket", BUCKET),
                this::work, NO_SLEEP, s3);

        ExecutionResult result = interpreter.execute("exec-3", json("{'run': 'r3', 'itemsKey': 'in/none.json',"
                + " 'prefix': 'out', 'concurrency': 1, 'tolerated': 0}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(result.cause()).contains("s3://runs-bucket/in/none.json");
    }
}
