package io.cachecheck.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Map Run of a Map state in {@code DISTRIBUTED} mode, with the semantics Step Functions documents:
 * <ul>
 *   <li>items from the ItemReader ({@code arn:aws:states:::s3:getObject}, {@code InputType} JSON or JSONL, optional
 *       {@code MaxItems}) or, without one, from ItemsPath;</li>
 *   <li>each item runs as a child execution with its own context ({@code $$.Execution}) and its own history;</li>
 *   <li>at most MaxConcurrency (or MaxConcurrencyPath) children at once; 0 means the runner's default;</li>
 *   <li>ToleratedFailurePercentage / ToleratedFailureCount (and their Paths): beyond them the Map Run stops
 *       starting children and the state fails with {@code States.ExceedToleratedFailureThreshold}; the default
 *       tolerates none;</li>
 *   <li>with a ResultWriter ({@code arn:aws:states:::s3:putObject}), the results go to
 *       {@code <Prefix>/<uuid>/manifest.json} with {@code SUCCEEDED_0.json}, {@code FAILED_0.json} and
 *       {@code PENDING_0.json} (Transformation NONE: each child's metadata, and its input and output as JSON
 *       strings), and the state's result is {@code {MapRunArn, ResultWriterDetails: {Bucket, Key}}}; without one it
 *       is the array of the children's outputs.</li>
 * </ul>
 * Locally every result status goes into one file (AWS splits files at 5 GB), and the results are also written when
 * the Map Run fails, so a reader can still see what finished.
 */
final class DistributedMap {

    static final String S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
    static final String S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
    static final String EXCEED_TOLERATED = "States.ExceedToleratedFailureThreshold";
    static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Execution execution;
    private final String label;
    private final JsonNode state;
    private final JsonNode effective;
    private final ObjectNode context;
    private final String mapRunArn;
    private final String uuid = UUID.randomUUID().toString();

    DistributedMap(Execution execution, String label, JsonNode state, JsonNode effective, ObjectNode context) {
        this.execution = execution;
        this.label = label;
        this.state = state;
        this.effective = effective;
        this.context = context;
        String mapLabel = state.path("Label").asText(context.path("State").path("Name").asText());
        this.mapRunArn = "arn:local:mapRun:" + execution.stateMachineName() + "/" + mapLabel + ":" + uuid;
    }

    static boolean isDistributed(JsonNode mapState) {
        JsonNode processor = mapState.has("ItemProcessor") ? mapState.get("ItemProcessor") : mapState.get("Iterator");
        return processor != null && "DISTRIBUTED".equals(processor.path("ProcessorConfig").path("Mode").asText());
    }

    /** Runs the Map Run to its end; the result before ResultSelector/ResultPath/OutputPath. */
    JsonNode run() {
        JsonNode items = items();
        int concurrency = Execution.maxConcurrency(state, effective, context, execution.options());
        JsonNode selector = state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
        JsonNode processor = state.get("ItemProcessor");
        Tolerance tolerance = tolerance();
        execution.mapRunEvent(label, StateEvent.MAP_RUN_STARTED, "items=" + items.size() + " maxConcurrency="
                + concurrency + " mapRun=" + mapRunArn);
        Execution.ChildOutcome[] outcomes = new Execution.ChildOutcome[items.size()];
        boolean[] started = new boolean[items.size()];
        int failures = runChildren(items, selector, processor, concurrency, tolerance, outcomes, started);
        boolean exceeded = tolerance.exceeded(failures, items.size());
        JsonNode result = state.has("ResultWriter") ? writeResults(items, outcomes, started) : outputs(outcomes);
        execution.mapRunEvent(label, exceeded ? StateEvent.MAP_RUN_FAILED : StateEvent.MAP_RUN_SUCCEEDED,
                "failed=" + failures + " of " + items.size());
        if (exceeded) {
            throw new StateFailure(EXCEED_TOLERATED, "The Map Run " + mapRunArn + " failed: " + failures + " of "
                    + items.size() + " child executions failed, more than the tolerated " + tolerance + ".");
        }
        return result;
    }

    private int runChildren(JsonNode items, JsonNode selector, JsonNode processor, int concurrency,
            Tolerance tolerance, Execution.ChildOutcome[] outcomes, boolean[] started) {
        if (items.isEmpty()) {
            return 0;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, items.size()),
                Execution.daemonThreads("asl-dmap-"));
        AtomicBoolean stopping = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger failureCount = new java.util.concurrent.atomic.AtomicInteger();
        // the failures when the threshold was crossed: children stopped after it are not failures of the Map Run
        java.util.concurrent.atomic.AtomicInteger failuresAtStop = new java.util.concurrent.atomic.AtomicInteger(-1);
        int failures = 0;
        try {
            CompletionService<Execution.ChildOutcome> completion = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < items.size(); i++) {
                int index = i;
                JsonNode item = items.get(i);
                completion.submit(() -> {
                    if (stopping.get()) {
                        return null; // the Map Run failed before this item started: PENDING
                    }
                    synchronized (started) {
                        started[index] = true;
                    }
                    JsonNode input = item;
                    if (selector != null) {
                        ObjectNode itemContext = context.deepCopy();
                        itemContext.putObject("Map").putObject("Item").put("Index", index).set("Value", item);
                        try {
                            input = Templates.evaluate(selector, effective, itemContext);
                        } catch (DataFlowException e) {
                            throw StateFailure.runtime(context.path("State").path("Name").asText(), e.getMessage());
                        }
                    }
                    Execution.ChildOutcome outcome = execution.runChild(mapRunArn, index,
                            String.format("%s-%06d", uuid.substring(0, 8), index), processor, input);
                    // Counted on the child's own thread, before the thread takes the next item: once the threshold is
                    // crossed no further child starts, whatever the concurrency (with 1, the next one never does).
                    if (outcome.status() != ExecutionStatus.SUCCEEDED) {
                        int failed = failureCount.incrementAndGet();
                        if (tolerance.exceeded(failed, items.size()) && failuresAtStop.compareAndSet(-1, failed)) {
                            stopping.set(true);
                        }
                    }
                    return outcome;
                });
            }
            for (int done = 0; done < items.size(); done++) {
                Future<Execution.ChildOutcome> finished = completion.take();
                Execution.ChildOutcome outcome;
                try {
                    outcome = finished.get();
                } catch (ExecutionException e) {
                    throw Execution.unwrap(e);
                }
                if (outcome == null) {
                    continue;
                }
                outcomes[outcome.index()] = outcome;
                if (outcome.status() != ExecutionStatus.SUCCEEDED) {
                    failures++;
                }
                if (stopping.get()) {
                    // As AWS does: no new children once the threshold is crossed; running ones are stopped.
                    pool.shutdownNow();
                    break;
                }
            }
            if (stopping.get()) {
                pool.awaitTermination(30, TimeUnit.SECONDS);
                // The outcome that crossed the threshold may not have been taken yet (another child's came first), and
                // children running then may have finished (or been stopped): record every outcome there is. The Map
                // Run's failure count is the one that crossed the threshold.
                Future<Execution.ChildOutcome> finished;
                while ((finished = completion.poll()) != null) {
                    Execution.ChildOutcome outcome;
                    try {
                        outcome = finished.get();
                    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                        continue; // stopped before it ended: its history says so
                    }
                    if (outcome != null) {
                        outcomes[outcome.index()] = outcome;
                    }
                }
                return failuresAtStop.get();
            }
            return failures;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Aborted();
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonNode items() {
        if (!state.has("ItemReader")) {
            return Execution.itemsAt(state, effective, context);
        }
        JsonNode reader = state.get("ItemReader");
        JsonNode parameters = Templates.evaluate(reader.get("Parameters"), effective, context);
        String bucket = text(parameters, "Bucket", ITEM_READER_FAILED, "ItemReader");
        String key = text(parameters, "Key", ITEM_READER_FAILED, "ItemReader");
        Optional<byte[]> object;
        try {
            object = execution.objects().get(bucket, key);
        } catch (RuntimeException e) {
            throw new StateFailure(ITEM_READER_FAILED, "The ItemReader cannot read s3://" + bucket + "/" + key + ": "
                    + e.getMessage());
        }
        byte[] bytes = object.orElseThrow(() -> new StateFailure(ITEM_READER_FAILED,
                "The ItemReader found no object s3://" + bucket + "/" + key + " (NoSuchKey)."));
        JsonNode config = reader.path("ReaderConfig");
        ArrayNode items = parse(bytes, config.path("InputType").asText(), bucket + "/" + key);
        int maxItems = config.has("MaxItems") ? config.get("MaxItems").asInt()
                : config.has("MaxItemsPath") ? Json.select(effective, context, config.get("MaxItemsPath").textValue()).asInt()
                : 0;
        if (maxItems > 0 && items.size() > maxItems) {
            ArrayNode first = Json.NODES.arrayNode();
            for (int i = 0; i < maxItems; i++) {
                first.add(items.get(i));
            }
            return first;
        }
        return items;
    }

    private static ArrayNode parse(byte[] bytes, String inputType, String where) {
        try {
            if ("JSONL".equals(inputType)) {
                ArrayNode items = Json.NODES.arrayNode();
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        items.add(Json.MAPPER.readTree(line));
                    }
                }
                return items;
            }
            JsonNode parsed = Json.MAPPER.readTree(bytes);
            if (!(parsed instanceof ArrayNode array)) {
                throw new StateFailure(ITEM_READER_FAILED, "The ItemReader's object s3://" + where + " (InputType JSON)"
                        + " must hold a JSON array, but holds " + Json.typeName(parsed) + ".");
            }
            return array;
        } catch (java.io.IOException e) {
            throw new StateFailure(ITEM_READER_FAILED, "The ItemReader's object s3://" + where + " is not valid "
                    + inputType + ": " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    /** The failure thresholds; a Map Run fails when either is exceeded. */
    private record Tolerance(double percentage, long count) {
        boolean exceeded(int failures, int total) {
            return failures > count || total > 0 && failures * 100.0 / total > percentage;
        }

        @Override
        public String toString() {
            String byCount = count == Long.MAX_VALUE ? null : count + " failure(s)";
            String byPercentage = percentage >= 100 ? null : percentage + "% of the items";
            return byCount == null ? byPercentage : byPercentage == null ? byCount : byPercentage + " or " + byCount;
        }
    }

    private Tolerance tolerance() {
        double percentage = number("ToleratedFailurePercentage", 0);
        long count = (long) number("ToleratedFailureCount", 0);
        boolean anyPercentage = state.has("ToleratedFailurePercentage") || state.has("ToleratedFailurePercentagePath");
        boolean anyCount = state.has("ToleratedFailureCount") || state.has("ToleratedFailureCountPath");
        // With only a percentage, the count does not limit, and the other way round; with neither, no failure is
        // tolerated.
        return new Tolerance(anyPercentage ? percentage : anyCount ? 100 : 0,
                anyCount ? count : anyPercentage ? Long.MAX_VALUE : 0);
    }

    private double number(String field, double fallback) {
        if (state.has(field)) {
            return state.get(field).asDouble();
        }
        if (state.has(field + "Path")) {
            String path = state.get(field + "Path").textValue();
            JsonNode value = Json.select(effective, context, path);
            if (!value.isNumber() || value.asDouble() < 0) {
                throw new DataFlowException(field + "Path '" + path + "' must select a non-negative number");
            }
            return value.asDouble();
        }
        return fallback;
    }

    private static JsonNode outputs(Execution.ChildOutcome[] outcomes) {
        ArrayNode results = Json.NODES.arrayNode();
        for (Execution.ChildOutcome outcome : outcomes) {
            if (outcome == null) {
                results.addNull();
            } else if (outcome.status() == ExecutionStatus.SUCCEEDED) {
                results.add(outcome.output());
            } else {
                ObjectNode error = results.addObject().put("Error", outcome.error());
                if (outcome.cause() != null) {
                    error.put("Cause", outcome.cause());
                }
            }
        }
        return results;
    }

    /** Writes manifest.json and the result files as the ResultWriter does; returns {MapRunArn, ResultWriterDetails}. */
    private JsonNode writeResults(JsonNode items, Execution.ChildOutcome[] outcomes, boolean[] started) {
        JsonNode parameters = Templates.evaluate(state.get("ResultWriter").get("Parameters"), effective, context);
        String bucket = text(parameters, "Bucket", RESULT_WRITER_FAILED, "ResultWriter");
        String prefix = parameters.path("Prefix").asText("");
        String base = prefix.isEmpty() ? uuid : prefix.endsWith("/") ? prefix + uuid : prefix + "/" + uuid;
        ArrayNode succeeded = Json.NODES.arrayNode();
        ArrayNode failed = Json.NODES.arrayNode();
        ArrayNode pending = Json.NODES.arrayNode();
        String stateMachineArn = context.path("StateMachine").path("Id").asText();
        for (int i = 0; i < outcomes.length; i++) {
            Execution.ChildOutcome outcome = outcomes[i];
            if (outcome == null) {
                boolean wasStarted;
                synchronized (started) {
                    wasStarted = started[i];
                }
                ObjectNode entry = (wasStarted ? failed : pending).addObject();
                entry.put("Input", items.get(i).toString()); // before ItemSelector: the child never reported its input
                entry.put("Status", wasStarted ? "ABORTED" : "PENDING");
                continue;
            }
            ObjectNode entry = (outcome.status() == ExecutionStatus.SUCCEEDED ? succeeded : failed).addObject();
            entry.put("ExecutionArn", outcome.arn());
            entry.put("Input", outcome.input().toString());
            entry.putObject("InputDetails").put("Included", true);
            entry.put("Name", outcome.name());
            if (outcome.status() == ExecutionStatus.SUCCEEDED) {
                entry.put("Output", outcome.output().toString());
                entry.putObject("OutputDetails").put("Included", true);
            } else {
                entry.put("Error", outcome.error());
                if (outcome.cause() != null) {
                    entry.put("Cause", outcome.cause());
                }
            }
            entry.put("RedriveCount", 0);
            entry.put("RedriveStatus", "NOT_REDRIVABLE");
            entry.put("StartDate", TIME.format(outcome.started()));
            entry.put("StateMachineArn", stateMachineArn);
            entry.put("Status", outcome.status().name());
            entry.put("StopDate", TIME.format(outcome.stopped()));
        }
        ObjectNode manifest = Json.NODES.objectNode();
        manifest.put("DestinationBucket", bucket);
        manifest.put("MapRunArn", mapRunArn);
        ObjectNode files = manifest.putObject("ResultFiles");
        write(bucket, base, "FAILED", failed, files);
        write(bucket, base, "PENDING", pending, files);
        write(bucket, base, "SUCCEEDED", succeeded, files);
        String manifestKey = base + "/manifest.json";
        put(bucket, manifestKey, manifest.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode result = Json.NODES.objectNode().put("MapRunArn", mapRunArn);
        result.putObject("ResultWriterDetails").put("Bucket", bucket).put("Key", manifestKey);
        return result;
    }

    private void write(String bucket, String base, String status, ArrayNode entries, ObjectNode files) {
        ArrayNode list = files.putArray(status);
        if (entries.isEmpty()) {
            return;
        }
        String key = base + "/" + status + "_0.json";
        byte[] bytes = entries.toString().getBytes(StandardCharsets.UTF_8);
        put(bucket, key, bytes);
        list.addObject().put("Key", key).put("Size", bytes.length);
    }

    private void put(String bucket, String key, byte[] bytes) {
        try {
            execution.objects().put(bucket, key, bytes);
        } catch (RuntimeException e) {
            throw new StateFailure(RESULT_WRITER_FAILED, "The ResultWriter cannot write s3://" + bucket + "/" + key
                    + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode parameters, String field, String error, String where) {
        JsonNode value = parameters.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new StateFailure(error, where + " Parameters." + field + " resolved to " + Json.typeName(value)
                    + "; it must be a non-empty string.");
        }
        return value.textValue();
    }
}
