package io.cachecheck.local.asl;

import static io.cachecheck.local.asl.AslTestSupport.events;
import static io.cachecheck.local.asl.AslTestSupport.interpreter;
import static io.cachecheck.local.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AslErrorHandlingTest {

    private static final String SOURCE_UNAVAILABLE = "io.cachecheck.SourceUnavailableException";

    @Test
    void execute_whenTaskFailsTwiceThenSucceeds_retriesAndSucceeds() {
        List<Integer> retryCounts = new CopyOnWriteArrayList<>();
        AslInterpreter interpreter = interpreter("retry.asl.json", (function, payload) -> {
            retryCounts.add(payload.get("retryCount").asInt());
            if (retryCounts.size() < 3) {
                throw new TaskFailedException(SOURCE_UNAVAILABLE, "db restarting");
            }
            return json("{'value': 'ok'}");
        });

        ExecutionResult result = interpreter.execute("run", json("{'in': 1}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'in': 1, 'result': {'value': 'ok'}}"));
        assertThat(retryCounts).containsExactly(0, 1, 2);
        // IntervalSeconds 2, BackoffRate 2, capped by MaxDelaySeconds 3.
        assertThat(result.history()).filteredOn(e -> e.type().equals(StateEvent.RETRIED))
                .extracting(StateEvent::detail)
                .containsExactly("error=" + SOURCE_UNAVAILABLE + " retry=1 delaySeconds=2.0",
                        "error=" + SOURCE_UNAVAILABLE + " retry=2 delaySeconds=3.0");
    }

    @Test
    void execute_whenRetriesAreExhausted_catchesAndFailsWithErrorAndCauseFromPaths() {
        AtomicInteger calls = new AtomicInteger();
        AslInterpreter interpreter = interpreter("retry.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            throw new TaskFailedException(SOURCE_UNAVAILABLE, "db down");
        });

        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(calls).hasValue(4);
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo(SOURCE_UNAVAILABLE);
        assertThat(result.cause()).isEqualTo("db down");
        assertThat(events(result, StateEvent.CAUGHT)).containsExactly("Flaky");
        assertThat(events(result, StateEvent.ENTERED)).containsExactly("Flaky", "Report");
    }

    @Test
    void execute_whenTaskResultExceeds256KiB_failsWithDataLimitExceededThatStatesAllDoesNotCatch() {
        AtomicInteger calls = new AtomicInteger();
        String big = "x".repeat(Execution.MAX_PAYLOAD_BYTES);
        AslInterpreter interpreter = interpreter("retry.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            return AslTestSupport.MAPPER.createObjectNode().put("value", big);
        });

        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(calls).hasValue(1);
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.DataLimitExceeded");
        assertThat(result.cause()).contains("flaky").contains("exceeds the maximum number of bytes");
        assertThat(events(result, StateEvent.CAUGHT)).isEmpty();
    }

    @Test
    void execute_whenStateOutputExceeds256KiB_failsWithDataLimitExceeded() {
        String half = "x".repeat(Execution.MAX_PAYLOAD_BYTES / 2 + 10);
        AslInterpreter interpreter = interpreter("retry.asl.json",
                (function, payload) -> AslTestSupport.MAPPER.createObjectNode().put("value", half));

        ExecutionResult under = interpreter.execute("small-input", json("{}"));
        ExecutionResult over = interpreter.execute("big-input", AslTestSupport.MAPPER.createObjectNode().put("in", half));

        assertThat(under.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(over.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(over.error()).isEqualTo("States.DataLimitExceeded");
        assertThat(over.cause()).contains("'Flaky'");
    }

    @Test
    void execute_whenRetrierHasMaxAttemptsZero_neverRetries() {
        AtomicInteger calls = new AtomicInteger();
        AslInterpreter interpreter = interpreter("retry.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            throw new TaskFailedException("io.cachecheck.ContractException", "bad contract");
        });

        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(calls).hasValue(1);
        assertThat(result.error()).isEqualTo("io.cachecheck.ContractException");
        assertThat(events(result, StateEvent.RETRIED)).isEmpty();
    }

    @Test
    void execute_whenInvokerThrowsPlainException_reportsClassNameLikeLambda() {
        AslInterpreter interpreter = interpreter("retry.asl.json", (function, payload) -> {
            throw new IllegalStateException("boom");
        });

        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
        assertThat(json(result.cause().replace('"', '\'')))
                .isEqualTo(json("{'errorMessage': 'boom', 'errorType': 'java.lang.IllegalStateException'}"));
    }

    @Test
    void execute_whenTaskExceedsTimeoutSeconds_failsWithStatesTimeoutNotMatchedByTaskFailed() {
        AslInterpreter interpreter = interpreter("timeout.asl.json", (function, payload) -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return json("{}");
        });

        long start = System.nanoTime();
        ExecutionResult result = interpreter.execute("run", json("{'id': 1}"));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().get("route").asText()).isEqualTo("timeout");
        assertThat(result.output().get("failure").get("Error").asText()).isEqualTo("States.Timeout");
        assertThat(result.output().get("id").asInt()).isEqualTo(1);
        assertThat(elapsed).isBetween(Duration.ofMillis(900), Duration.ofMillis(3_000));
    }

    @Test
    void execute_whenPlainLambdaResourceFails_taskFailedCatcherRoutesWithResultPath() {
        AslInterpreter interpreter = interpreter("timeout.asl.json", (function, payload) -> {
            assertThat(function).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:slow");
            throw new TaskFailedException("io.cachecheck.CacheUnavailableException", "redis down");
        });

        ExecutionResult result = interpreter.execute("run", json("{'id': 1}"));

        assertThat(result.output()).isEqualTo(json("{'id': 1, 'route': 'task-failed', 'failure': "
                + "{'Error': 'io.cachecheck.CacheUnavailableException', 'Cause': 'redis down'}}"));
    }

    @Test
    void execute_whenPlainLambdaResourceSucceeds_resultIsPayloadWithoutEnvelope() {
        AslInterpreter interpreter = interpreter("timeout.asl.json", (function, payload) -> json("{'rows': 2}"));

        ExecutionResult result = interpreter.execute("run", json("{'id': 1}"));

        assertThat(result.output()).isEqualTo(json("{'id': 1, 'result': {'rows': 2}}"));
    }

    @Test
    void execute_whenFailStateHasConstantErrorAndCause_reportsThem() {
        String definition = """
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Drift", "Cause": "3 keys differ"}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("Drift");
        assertThat(result.cause()).isEqualTo("3 keys differ");
        assertThat(result.output()).isNull();
    }

    @Test
    void execute_whenExecutionTimeoutElapses_timesOut() {
        String definition = """
                {"StartAt": "W", "TimeoutSeconds": 1, "States": {
                 "W": {"Type": "Wait", "Seconds": 5, "Next": "Done"}, "Done": {"Type": "Succeed"}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslOptions.defaults());

        long start = System.nanoTime();
        ExecutionResult result = interpreter.execute("run", json("{}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(result.error()).isEqualTo("States.Timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3_000));
        assertThat(events(result, StateEvent.ENTERED)).containsExactly("W");
    }
}
