package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** One run of a state machine: walks the states, applies the data flow and handles Retry and Catch. */
final class Execution {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final TaskInvoker invoker;
    private final AslOptions options;
    private final ExecutorService taskThreads;
    private final ObjectNode executionContext;
    private final ObjectNode stateMachineContext;
    private final History history;
    private final long deadlineNanos;
    private final boolean hasDeadline;
    private final S3Objects objects;
    /** Child executions of Distributed Maps, shared by the whole tree of executions. */
    private final List<ChildExecution> children;

    /** The execution's top-level TimeoutSeconds elapsed. */
    static final class TimedOut extends RuntimeException {
        TimedOut() {
            super("execution timed out", null, false, false);
        }
    }

    /** The executing thread was interrupted (a sibling iteration failed, or the caller gave up). */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super("execution aborted", null, false, false);
        }
    }

    private record Outcome(String next, JsonNode output) {}

    @FunctionalInterface
    private interface Body {
        JsonNode run(ObjectNode context);
    }

    Execution(String name, JsonNode input, TaskInvoker invoker, AslOptions options, ExecutorService taskThreads,
            Integer timeoutSeconds, S3Objects objects) {
        this.invoker = invoker;
        this.options = options;
        this.taskThreads = taskThreads;
        this.objects = objects;
        this.children = java.util.Collections.synchronizedList(new ArrayList<>());
        this.history = new History(options.historyLimit());
        this.executionContext = executionContext("arn:local:execution:" + name, name, input);
        this.stateMachineContext = Json.NODES.objectNode()
                .put("Id", "arn:local:stateMachine:" + options.stateMachineName())
                .put("Name", options.stateMachineName());
        this.hasDeadline = timeoutSeconds != null;
        this.deadlineNanos = hasDeadline ? System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds) : 0;
    }

    /** A child execution of a Distributed Map: its own history and context, the parent's deadline and services. */
    private Execution(Execution parent, String arn, String name, JsonNode input) {
        this.invoker = parent.invoker;
        this.options = parent.options;
        this.taskThreads = parent.taskThreads;
        this.objects = parent.objects;
        this.children = parent.children;
        this.history = new History(options.historyLimit());
        this.executionContext = executionContext(arn, name, input);
        this.stateMachineContext = parent.stateMachineContext;
        this.hasDeadline = parent.hasDeadline;
        this.deadlineNanos = parent.deadlineNanos;
    }

    private static ObjectNode executionContext(String id, String name, JsonNode input) {
        return Json.NODES.objectNode()
                .put("Id", id)
                .put("Name", name)
                .put("StartTime", TIME.format(Instant.now()))
                .put("RoleArn", "arn:local:iam::role/local")
                .set("Input", input);
    }

    List<StateEvent> history() {
        return history.snapshot();
    }

    List<ChildExecution> childExecutions() {
        synchronized (children) {
            return List.copyOf(children);
        }
    }

    S3Objects objects() {
        return objects;
    }

    AslOptions options() {
        return options;
    }

    String stateMachineName() {
        return options.stateMachineName();
    }

    /** How a child execution ended. */
    record ChildOutcome(int index, String name, String arn, ExecutionStatus status, JsonNode input, JsonNode output,
            String error, String cause, Instant started, Instant stopped) {
    }

    /**
     * Runs one Distributed Map item as a child execution with its own history. A failure of the child is its
     * outcome, not an exception; only the parent's timeout propagates.
     */
    ChildOutcome runChild(String mapRunArn, int index, String name, JsonNode processor, JsonNode input) {
        String arn = mapRunArn.replace(":mapRun:", ":execution:") + ":" + name;
        Execution child = new Execution(this, arn, name, input);
        Instant started = Instant.now();
        ExecutionStatus status;
        JsonNode output = null;
        String error = null;
        String cause = null;
        try {
            output = child.runScope(processor, input, "");
            status = ExecutionStatus.SUCCEEDED;
        } catch (StateFailure failure) {
            status = ExecutionStatus.FAILED;
            error = failure.error();
            cause = failure.cause();
        } catch (Aborted e) {
            status = ExecutionStatus.ABORTED;
            error = "States.Aborted";
        }
        children.add(new ChildExecution(name, mapRunArn, index, status, error, child.history()));
        return new ChildOutcome(index, name, arn, status, input, output, error, cause, started, Instant.now());
    }

    /** Adds an event of the Map run to this execution's history. */
    void mapRunEvent(String label, String type, String detail) {
        history.add(label, type, detail);
    }

    /** Runs the states of {@code scope} (the machine, a Map processor or a Parallel branch) to their end. */
    JsonNode runScope(JsonNode scope, JsonNode input, String prefix) {
        JsonNode states = scope.get("States");
        String current = scope.get("StartAt").textValue();
        JsonNode data = input;
        while (true) {
            checkAlive();
            String label = prefix + current;
            history.add(label, StateEvent.ENTERED, "", Json.utf8Size(data));
            Outcome outcome;
            try {
                outcome = runState(current, label, states.get(current), data);
            } catch (StateFailure failure) {
                history.add(label, StateEvent.FAILED, "error=" + failure.error());
                throw failure;
            }
            int outputBytes = checkPayloadSize(current, outcome.output());
            history.add(label, StateEvent.SUCCEEDED, outcome.next() == null ? "end" : "next=" + outcome.next(),
                    outputBytes);
            if (outcome.next() == null) {
                return outcome.output();
            }
            current = outcome.next();
            data = outcome.output();
        }
    }

    private Outcome runState(String name, String label, JsonNode state, JsonNode raw) {
        Instant entered = Instant.now();
        String next = state.path("Next").asText(null);
        switch (state.get("Type").textValue()) {
            case "Pass":
                return new Outcome(next, guard(name, () -> pass(state, raw, context(name, entered, 0))));
            case "Wait":
                return new Outcome(next, guard(name, () -> waitState(state, raw, context(name, entered, 0))));
            case "Succeed":
                return new Outcome(null, guard(name, () -> {
                    ObjectNode context = context(name, entered, 0);
                    return outputPath(state, inputPath(state, raw, context), context);
                }));
            case "Fail":
                throw guard(name, () -> fail(state, raw, context(name, entered, 0)));
            case "Choice":
                return guard(name, () -> choice(name, state, raw, context(name, entered, 0)));
            case "Task":
                return withRetryAndCatch(name, label, state, raw, entered, ctx -> task(state, raw, ctx));
            case "Map":
                return withRetryAndCatch(name, label, state, raw, entered, ctx -> map(label, state, raw, ctx));
            case "Parallel":
                return withRetryAndCatch(name, label, state, raw, entered, ctx -> parallel(label, state, raw, ctx));
            default:
                throw new IllegalStateException("validated definition has unknown Type");
        }
    }

    /** The Step Functions quota on a state's input or output: 256 KiB as a UTF-8 string. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    /** Fails like AWS does (States.DataLimitExceeded, terminal) when a state's output exceeds the payload quota. */
    private static int checkPayloadSize(String stateName, JsonNode output) {
        int size = Json.utf8Size(output);
        if (size > MAX_PAYLOAD_BYTES) {
            throw new StateFailure(StateFailure.DATA_LIMIT_EXCEEDED, "The state/task '" + stateName + "' returned a result"
                    + " with a size exceeding the maximum number of bytes service limit (" + size + " > " + MAX_PAYLOAD_BYTES + ").");
        }
        return size;
    }

    /** Turns a data-flow problem into States.Runtime, naming the state. */
    private static <T> T guard(String name, Supplier<T> body) {
        try {
            return body.get();
        } catch (DataFlowException e) {
            throw StateFailure.runtime(name, e.getMessage());
        }
    }

    private Outcome withRetryAndCatch(String name, String label, JsonNode state, JsonNode raw, Instant entered,
            Body body) {
        JsonNode retriers = state.path("Retry");
        int[] attempts = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            ObjectNode context = context(name, entered, retryCount);
            try {
                return new Outcome(state.path("Next").asText(null), guard(name, () -> body.run(context)));
            } catch (StateFailure failure) {
                if (failure.isRuntime()) {
                    throw failure;
                }
                int r = matching(retriers, failure.error());
                if (r >= 0) {
                    JsonNode retrier = retriers.get(r);
                    if (attempts[r] < retrier.path("MaxAttempts").asInt(3)) {
                        double delay = retryDelay(retrier, attempts[r]);
                        attempts[r]++;
                        retryCount++;
                        history.add(label, StateEvent.RETRIED, "error=" + failure.error() + " retry=" + retryCount
                                + " delaySeconds=" + delay);
                        sleep(delay * options.retryIntervalScale());
                        continue;
                    }
                }
                JsonNode catchers = state.path("Catch");
                int c = matching(catchers, failure.error());
                if (c < 0) {
                    throw failure;
                }
                JsonNode catcher = catchers.get(c);
                ObjectNode errorOutput = Json.NODES.objectNode().put("Error", failure.error());
                if (failure.cause() != null) {
                    errorOutput.put("Cause", failure.cause());
                }
                JsonNode resultPath = catcher.has("ResultPath") ? catcher.get("ResultPath") : null;
                JsonNode output = guard(name, () -> resultPath == null ? errorOutput
                        : resultPath.isNull() ? raw : Json.applyResultPath(raw, resultPath.textValue(), errorOutput));
                String next = catcher.get("Next").textValue();
                history.add(label, StateEvent.CAUGHT, "error=" + failure.error() + " next=" + next);
                return new Outcome(next, output);
            }
        }
    }

    /** IntervalSeconds × BackoffRate^(attempt), capped by MaxDelaySeconds, with optional full jitter. */
    private static double retryDelay(JsonNode retrier, int attempt) {
        double delay = retrier.path("IntervalSeconds").asDouble(1)
                * Math.pow(retrier.path("BackoffRate").asDouble(2.0), attempt);
        if (retrier.has("MaxDelaySeconds")) {
            delay = Math.min(delay, retrier.get("MaxDelaySeconds").asDouble());
        }
        if ("FULL".equals(retrier.path("JitterStrategy").asText())) {
            delay = ThreadLocalRandom.current().nextDouble() * delay;
        }
        return delay;
    }

    /** Index of the first retrier/catcher whose ErrorEquals matches, or -1. */
    private static int matching(JsonNode list, String error) {
        for (int i = 0; i < list.size(); i++) {
            for (JsonNode name : list.get(i).get("ErrorEquals")) {
                String expected = name.asText();
                if (expected.equals("States.ALL") || expected.equals(error)
                        // AWS: States.TaskFailed matches every error except States.Timeout.
                        || expected.equals("States.TaskFailed") && !"States.Timeout".equals(error)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private JsonNode pass(JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        JsonNode result = state.has("Result") ? state.get("Result")
                : state.has("Parameters") ? Templates.evaluate(state.get("Parameters"), effective, context)
                : effective;
        return outputPath(state, resultPath(state, raw, result), context);
    }

    private JsonNode waitState(JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        double seconds;
        if (state.has("Seconds")) {
            seconds = state.get("Seconds").asDouble();
        } else if (state.has("SecondsPath")) {
            JsonNode value = Json.select(effective, context, state.get("SecondsPath").textValue());
            if (!value.isIntegralNumber() || value.asLong() < 0) {
                throw new DataFlowException("SecondsPath '" + state.get("SecondsPath").textValue()
                        + "' must select a non-negative integer but selected " + Json.typeName(value));
            }
            seconds = value.asDouble();
        } else {
            String field = state.has("Timestamp") ? "Timestamp" : "TimestampPath";
            JsonNode value = field.equals("Timestamp") ? state.get(field)
                    : Json.select(effective, context, state.get(field).textValue());
            try {
                OffsetDateTime until = OffsetDateTime.parse(value.asText());
                seconds = Math.max(0, Duration.between(Instant.now(), until.toInstant()).toMillis() / 1000.0);
            } catch (DateTimeParseException e) {
                throw new DataFlowException(field + " must be an RFC 3339 timestamp but was " + Json.typeName(value));
            }
        }
        sleep(seconds * options.waitScale());
        return outputPath(state, effective, context);
    }

    private StateFailure fail(JsonNode state, JsonNode raw, ObjectNode context) {
        String error = text(state, "Error", "ErrorPath", raw, context);
        String cause = text(state, "Cause", "CausePath", raw, context);
        return new StateFailure(error, cause);
    }

    private static String text(JsonNode state, String field, String pathField, JsonNode raw, ObjectNode context) {
        if (state.has(field)) {
            return state.get(field).asText();
        }
        if (!state.has(pathField)) {
            return null;
        }
        String expression = state.get(pathField).textValue();
        JsonNode value = Intrinsics.looksLikeCall(expression) ? Intrinsics.evaluate(expression, raw, context)
                : Json.select(raw, context, expression);
        if (!value.isTextual()) {
            throw new DataFlowException(pathField + " '" + expression + "' must select a string but selected "
                    + Json.typeName(value));
        }
        return value.textValue();
    }

    private Outcome choice(String name, JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        String next = null;
        for (JsonNode rule : state.get("Choices")) {
            if (Choices.matches(rule, effective)) {
                next = rule.get("Next").textValue();
                break;
            }
        }
        if (next == null) {
            next = state.path("Default").asText(null);
        }
        if (next == null) {
            throw new StateFailure("States.NoChoiceMatched",
                    "No Choice rule of state '" + name + "' matched and it has no Default.");
        }
        return new Outcome(next, outputPath(state, effective, context));
    }

    private JsonNode task(JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        JsonNode parameters = state.has("Parameters")
                ? Templates.evaluate(state.get("Parameters"), effective, context) : effective;
        String resource = state.get("Resource").textValue();
        boolean lambdaInvoke = resource.equals(DefinitionValidator.LAMBDA_INVOKE);
        String function = resource;
        JsonNode payload = parameters;
        if (lambdaInvoke) {
            JsonNode functionName = parameters.get("FunctionName");
            if (functionName == null || !functionName.isTextual() || functionName.textValue().isBlank()) {
                throw new DataFlowException("Parameters.FunctionName resolved to " + Json.typeName(functionName)
                        + "; it must be a function name or ARN");
            }
            function = functionName.textValue();
            if (DefinitionValidator.PLACEHOLDER.matcher(function).find()) {
                throw new DataFlowException("FunctionName '" + function + "' holds an unreplaced placeholder");
            }
            payload = parameters.has("Payload") ? parameters.get("Payload") : Json.NODES.objectNode();
        }
        JsonNode response = invoke(function, payload, timeoutSeconds(state, effective, context));
        JsonNode result = response;
        if (lambdaInvoke) {
            ObjectNode wrapped = Json.NODES.objectNode().put("ExecutedVersion", "$LATEST");
            wrapped.set("Payload", response);
            wrapped.put("StatusCode", 200);
            result = wrapped;
        }
        return finish(state, raw, result, context);
    }

    private static long timeoutSeconds(JsonNode state, JsonNode effective, ObjectNode context) {
        if (state.has("TimeoutSeconds")) {
            return state.get("TimeoutSeconds").asLong();
        }
        if (state.has("TimeoutSecondsPath")) {
            String path = state.get("TimeoutSecondsPath").textValue();
            JsonNode value = Json.select(effective, context, path);
            if (!value.isIntegralNumber() || value.asLong() < 1) {
                throw new DataFlowException("TimeoutSecondsPath '" + path + "' must select a positive integer");
            }
            return value.asLong();
        }
        return 0;
    }

    private JsonNode invoke(String function, JsonNode payload, long timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            return call(function, payload);
        }
        Future<JsonNode> future = taskThreads.submit(() -> call(function, payload));
        try {
            return future.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StateFailure("States.Timeout",
                    "The Task did not finish within TimeoutSeconds (" + timeoutSeconds + " s).");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Aborted();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private JsonNode call(String function, JsonNode payload) {
        int payloadSize = Json.utf8Size(payload);
        if (payloadSize > MAX_PAYLOAD_BYTES) {
            throw new StateFailure(StateFailure.DATA_LIMIT_EXCEEDED, "The payload for function '" + function
                    + "' exceeds the maximum number of bytes service limit (" + payloadSize + " > " + MAX_PAYLOAD_BYTES + ").");
        }
        JsonNode response;
        try {
            response = invoker.invoke(function, payload);
        } catch (TaskFailedException e) {
            throw new StateFailure(e.error(), e.cause());
        } catch (RuntimeException e) {
            // What Lambda's Java runtime reports for an uncaught exception.
            ObjectNode cause = Json.NODES.objectNode().put("errorMessage", e.getMessage())
                    .put("errorType", e.getClass().getName());
            throw new StateFailure(e.getClass().getName(), cause.toString());
        }
        int responseSize = Json.utf8Size(response);
        if (responseSize > MAX_PAYLOAD_BYTES) {
            throw new StateFailure(StateFailure.DATA_LIMIT_EXCEEDED, "The result of function '" + function
                    + "' exceeds the maximum number of bytes service limit (" + responseSize + " > " + MAX_PAYLOAD_BYTES + ").");
        }
        return response == null ? NullNode.getInstance() : response;
    }

    /** A Map state's items at its {@code ItemsPath} (default {@code $}), inline and distributed alike. */
    static JsonNode itemsAt(JsonNode state, JsonNode effective, JsonNode context) {
        String itemsPath = state.path("ItemsPath").asText("$");
        JsonNode items = Json.select(effective, context, itemsPath);
        if (!items.isArray()) {
            throw new DataFlowException("ItemsPath '" + itemsPath + "' must select an array but selected "
                    + Json.typeName(items));
        }
        return items;
    }

    /**
     * A Map state's {@code MaxConcurrency} (or {@code MaxConcurrencyPath}), inline and distributed alike. AWS runs as
     * many at once as it may when it is 0; a local run uses the runner's default then.
     */
    static int maxConcurrency(JsonNode state, JsonNode effective, JsonNode context, AslOptions options) {
        int concurrency = state.path("MaxConcurrency").asInt(0);
        if (state.has("MaxConcurrencyPath")) {
            String path = state.get("MaxConcurrencyPath").textValue();
            JsonNode value = Json.select(effective, context, path);
            if (!value.isIntegralNumber() || value.asLong() < 0) {
                throw new DataFlowException("MaxConcurrencyPath '" + path + "' must select a non-negative integer");
            }
            concurrency = value.asInt();
        }
        return concurrency == 0 ? options.defaultMapConcurrency() : concurrency;
    }

    private JsonNode map(String label, JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        if (DistributedMap.isDistributed(state)) {
            return finish(state, raw, new DistributedMap(this, label, state, effective, context).run(), context);
        }
        JsonNode items = itemsAt(state, effective, context);
        int concurrency = maxConcurrency(state, effective, context, options);
        JsonNode selector = state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
        JsonNode processor = state.has("ItemProcessor") ? state.get("ItemProcessor") : state.get("Iterator");
        List<Callable<JsonNode>> work = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            JsonNode item = items.get(i);
            work.add(() -> {
                JsonNode iterationInput = item;
                if (selector != null) {
                    ObjectNode itemContext = context.deepCopy();
                    itemContext.putObject("Map").putObject("Item").put("Index", index).set("Value", item);
                    iterationInput = Templates.evaluate(selector, effective, itemContext);
                }
                return runScope(processor, iterationInput, label + "[" + index + "]/");
            });
        }
        ArrayNode results = runConcurrently(work, concurrency, "asl-map-");
        return finish(state, raw, results, context);
    }

    private JsonNode parallel(String label, JsonNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputPath(state, raw, context);
        JsonNode branchInput = state.has("Parameters")
                ? Templates.evaluate(state.get("Parameters"), effective, context) : effective;
        List<Callable<JsonNode>> work = new ArrayList<>();
        int i = 0;
        for (JsonNode branch : state.get("Branches")) {
            String prefix = label + "[" + i++ + "]/";
            work.add(() -> runScope(branch, branchInput, prefix));
        }
        return finish(state, raw, runConcurrently(work, work.size(), "asl-parallel-"), context);
    }

    /** Runs the work on at most {@code concurrency} threads; results in submission order; first failure wins. */
    private ArrayNode runConcurrently(List<Callable<JsonNode>> work, int concurrency, String threadPrefix) {
        ArrayNode results = Json.NODES.arrayNode();
        if (work.isEmpty()) {
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, work.size()),
                daemonThreads(threadPrefix));
        try {
            CompletionService<JsonNode> completion = new ExecutorCompletionService<>(pool);
            Map<Future<JsonNode>, Integer> positions = new HashMap<>();
            for (int i = 0; i < work.size(); i++) {
                positions.put(completion.submit(work.get(i)), i);
            }
            JsonNode[] ordered = new JsonNode[work.size()];
            for (int done = 0; done < work.size(); done++) {
                Future<JsonNode> finished = completion.take();
                try {
                    ordered[positions.get(finished)] = finished.get();
                } catch (ExecutionException e) {
                    throw unwrap(e);
                }
            }
            for (JsonNode result : ordered) {
                results.add(result);
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Aborted();
        } finally {
            // Stops the remaining iterations when one failed, as AWS does.
            pool.shutdownNow();
        }
    }

    static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** ResultSelector, ResultPath, OutputPath: the tail of the data flow of Task, Map and Parallel. */
    private JsonNode finish(JsonNode state, JsonNode raw, JsonNode result, ObjectNode context) {
        JsonNode selected = state.has("ResultSelector")
                ? Templates.evaluate(state.get("ResultSelector"), result, context) : result;
        return outputPath(state, resultPath(state, raw, selected), context);
    }

    static JsonNode resultPath(JsonNode state, JsonNode raw, JsonNode result) {
        if (!state.has("ResultPath")) {
            return result;
        }
        JsonNode path = state.get("ResultPath");
        return path.isNull() ? raw : Json.applyResultPath(raw, path.textValue(), result);
    }

    private static JsonNode inputPath(JsonNode state, JsonNode raw, ObjectNode context) {
        return path(state, "InputPath", raw, context);
    }

    private static JsonNode outputPath(JsonNode state, JsonNode output, ObjectNode context) {
        return path(state, "OutputPath", output, context);
    }

    private static JsonNode path(JsonNode state, String field, JsonNode data, ObjectNode context) {
        if (!state.has(field)) {
            return data;
        }
        JsonNode path = state.get(field);
        if (path.isNull()) {
            return Json.NODES.objectNode();
        }
        try {
            return Json.select(data, context, path.textValue());
        } catch (DataFlowException e) {
            throw new DataFlowException(field + " failed. " + e.getMessage());
        }
    }

    private ObjectNode context(String stateName, Instant entered, int retryCount) {
        ObjectNode context = Json.NODES.objectNode();
        context.set("Execution", executionContext);
        context.set("StateMachine", stateMachineContext);
        context.putObject("State")
                .put("Name", stateName)
                .put("EnteredTime", TIME.format(entered))
                .put("RetryCount", retryCount);
        return context;
    }

    private void sleep(double seconds) {
        long millis = (long) (seconds * 1000);
        if (millis <= 0) {
            checkAlive();
            return;
        }
        long remaining = hasDeadline ? TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())
                : Long.MAX_VALUE - 1;
        try {
            Thread.sleep(Math.max(0, Math.min(millis, remaining + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Aborted();
        }
        checkAlive();
    }

    private void checkAlive() {
        if (Thread.currentThread().isInterrupted()) {
            throw new Aborted();
        }
        if (hasDeadline && System.nanoTime() - deadlineNanos > 0) {
            throw new TimedOut();
        }
    }
}
