package io.cachecheck.local.asl;

import static io.cachecheck.local.asl.AslTestSupport.interpreter;
import static io.cachecheck.local.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AslMapTest {

    /** Counts in-flight invocations and remembers the highest count seen. */
    private static final class InFlight {
        final AtomicInteger current = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void enter() {
            max.accumulateAndGet(current.incrementAndGet(), Math::max);
        }

        void leave() {
            current.decrementAndGet();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    void execute_whenMaxConcurrencyIsTwo_neverRunsMoreThanTwoIterationsAtOnce() {
        InFlight inFlight = new InFlight();
        AslInterpreter interpreter = interpreter("map.asl.json", (function, payload) -> {
            inFlight.enter();
            try {
                sleep(150);
                return json("{'checked': '" + payload.get("shard").asText() + "'}");
            } finally {
                inFlight.leave();
            }
        });

        ExecutionResult result = interpreter.execute("run", json("{'tenant': 't', 'shards': ['a','b','c','d','e','f']}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(inFlight.max).hasValue(2);
    }

    @Test
    void execute_whenLaterItemsFinishFirst_keepsResultsInItemOrder() {
        List<String> completionOrder = new CopyOnWriteArrayList<>();
        List<JsonNode> payloads = new CopyOnWriteArrayList<>();
        AslInterpreter interpreter = interpreter("map.asl.json", (function, payload) -> {
            payloads.add(payload);
            int index = payload.get("index").asInt();
            sleep(index == 0 ? 400 : 10);
            completionOrder.add(payload.get("shard").asText());
            return json("{'checked': '" + payload.get("shard").asText() + "'}");
        });

        ExecutionResult result = interpreter.execute("run", json("{'tenant': 't9', 'shards': ['s0','s1','s2']}"));

        assertThat(completionOrder).containsExactly("s1", "s2", "s0");
        assertThat(result.output()).isEqualTo(json("{'tenant': 't9', 'shards': ['s0','s1','s2'], 'results': "
                + "[{'checked': 's0'}, {'checked': 's1'}, {'checked': 's2'}]}"));
        assertThat(payloads).contains(json("{'shard': 's1', 'index': 1, 'tenant': 't9'}"));
    }

    @Test
    void execute_whenOneIterationFails_failsMapWithThatError() {
        AslInterpreter interpreter = interpreter("map.asl.json", (function, payload) -> {
            if (payload.get("shard").asText().equals("bad")) {
                throw new TaskFailedException("io.cachecheck.ContractException", "shard bad has no contract");
            }
            return json("{'checked': 'x'}");
        });

        ExecutionResult result = interpreter.execute("run", json("{'tenant': 't', 'shards': ['ok', 'bad', 'ok']}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("io.cachecheck.ContractException");
        assertThat(result.cause()).isEqualTo("shard bad has no contract");
        assertThat(AslTestSupport.events(result, StateEvent.FAILED))
                .containsExactly("CheckShards[1]/Check", "CheckShards");
    }

    @Test
    void execute_whenItemsPathSelectsNonArray_failsWithStatesRuntime() {
        AslInterpreter interpreter = interpreter("map.asl.json", (function, payload) -> payload);

        ExecutionResult result = interpreter.execute("run", json("{'tenant': 't', 'shards': 'a,b'}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'CheckShards'").contains("ItemsPath");
    }

    @Test
    void execute_whenMaxConcurrencyPathIsZero_capsAtDefaultMapConcurrency() {
        InFlight inFlight = new InFlight();
        List<String> seen = new CopyOnWriteArrayList<>();
        AslInterpreter interpreter = AslInterpreter.create(AslTestSupport.definition("map-legacy.asl.json"),
                Map.of(), (function, payload) -> {
                    inFlight.enter();
                    try {
                        seen.add(function + ":" + payload.get("shard").asText());
                        sleep(150);
                        return json("{}");
                    } finally {
                        inFlight.leave();
                    }
                }, AslTestSupport.NO_SLEEP.withDefaultMapConcurrency(3));

        ExecutionResult result = interpreter.execute("run",
                json("{'concurrency': 0, 'shards': [1, 2, 3, 4, 5, 6, 7, 8, 9]}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(inFlight.max).hasValue(3);
        assertThat(seen).hasSize(9).contains("check:1", "check:9");
        // ResultPath null inside the iteration returns each iteration's input.
        assertThat(result.output()).hasSize(9);
        assertThat(result.output().get(8)).isEqualTo(json("{'shard': 9}"));
    }

    @Test
    void execute_whenItemsArrayIsEmpty_returnsEmptyResults() {
        AtomicInteger calls = new AtomicInteger();
        AslInterpreter interpreter = interpreter("map.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            return payload;
        });

        ExecutionResult result = interpreter.execute("run", json("{'tenant': 't', 'shards': []}"));

        assertThat(result.output().get("results")).isEqualTo(json("[]"));
        assertThat(calls).hasValue(0);
    }
}
