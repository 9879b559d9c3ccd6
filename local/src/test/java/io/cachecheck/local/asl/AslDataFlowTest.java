package io.cachecheck.local.asl;

import static io.cachecheck.local.asl.AslTestSupport.definition;
import static io.cachecheck.local.asl.AslTestSupport.events;
import static io.cachecheck.local.asl.AslTestSupport.interpreter;
import static io.cachecheck.local.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AslDataFlowTest {

    private static final String ENRICH_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:enrich:live";

    @Test
    void execute_whenEveryPathFieldIsSet_appliesThemInAwsOrder() {
        List<String> functions = new ArrayList<>();
        List<JsonNode> payloads = new ArrayList<>();
        AslInterpreter interpreter = AslInterpreter.create(definition("dataflow.asl.json"),
                Map.of("EnrichFunction", ENRICH_ARN), (function, payload) -> {
                    functions.add(function);
                    payloads.add(payload);
                    return json("{'rows': [1, 2, 3], 'ignored': true}");
                }, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run-1",
                json("{'request': {'tenant': 't1', 'shard': 7}, 'other': 'x'}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions).containsExactly(ENRICH_ARN);
        assertThat(payloads).containsExactly(json(
                "{'tenant': 't1', 'execution': 'run-1', 'state': 'Enrich', 'label': 't1-7', 'fixed': 'constant'}"));
        // OutputPath kept only the ResultPath target; ResultPath null on Discard kept Summarise's output.
        assertThat(result.output()).isEqualTo(json("{'rows': [1, 2, 3], 'status': 200, 'summary': {'count': 3}}"));
        assertThat(result.error()).isNull();
    }

    @Test
    void execute_whenResultPathIsAbsent_replacesInputWithLambdaInvokeEnvelope() {
        String definition = """
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> json("{'echo': " + payload + "}"), AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'a': 1}"));

        assertThat(result.output())
                .isEqualTo(json("{'ExecutedVersion': '$LATEST', 'Payload': {'echo': {'a': 1}}, 'StatusCode': 200}"));
    }

    @Test
    void execute_whenResultPathCannotBeApplied_failsWithStatesRuntimeNotRetriedNorCaught() {
        AtomicInteger calls = new AtomicInteger();
        AslInterpreter interpreter = interpreter("guarded-task.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            return json("{'ok': true}");
        });

        // $.shard is a string, so $.shard.result cannot be set.
        ExecutionResult result = interpreter.execute("run", json("{'shard': 's1'}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'Validate'").contains("$.shard.result");
        assertThat(calls).hasValue(1);
        assertThat(events(result, StateEvent.RETRIED)).isEmpty();
        assertThat(events(result, StateEvent.CAUGHT)).isEmpty();
        assertThat(events(result, StateEvent.ENTERED)).containsExactly("Validate");
    }

    @Test
    void execute_whenParametersPathIsMissing_failsWithStatesRuntimeBeforeInvoking() {
        AtomicInteger calls = new AtomicInteger();
        AslInterpreter interpreter = interpreter("guarded-task.asl.json", (function, payload) -> {
            calls.incrementAndGet();
            return json("{'ok': true}");
        });

        ExecutionResult result = interpreter.execute("run", json("{'shardId': 's1'}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'Validate'").contains("$.shard").contains("shard.$");
        assertThat(calls).hasValue(0);
        assertThat(events(result, StateEvent.CAUGHT)).isEmpty();
    }

    @Test
    void execute_whenTaskFailsNormally_sameDefinitionCatchesIt() {
        // Control for the two tests above: the Catch does work for ordinary errors.
        AslInterpreter interpreter = interpreter("guarded-task.asl.json", (function, payload) -> {
            throw new TaskFailedException("io.cachecheck.CacheUnavailableException", "redis down");
        });

        ExecutionResult result = interpreter.execute("run", json("{'shard': {'id': 's1'}}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'shard': {'id': 's1'}, 'error': "
                + "{'Error': 'io.cachecheck.CacheUnavailableException', 'Cause': 'redis down'}}"));
        assertThat(events(result, StateEvent.RETRIED)).hasSize(2);
    }

    @Test
    void execute_whenInputPathSelectsNothing_failsWithStatesRuntimeNamingPath() {
        String definition = """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.missing", "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'present': 1}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'P'").contains("InputPath").contains("$.missing");
    }

    @Test
    void execute_whenInputPathAndOutputPathAreNull_passesEmptyObject() {
        String definition = """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": null, "ResultPath": "$.x",
                 "Result": 1, "Next": "Q"}, "Q": {"Type": "Pass", "OutputPath": null, "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'keep': 1}"));

        assertThat(result.output()).isEqualTo(json("{}"));
    }

    @Test
    void execute_whenResultPathTargetsNestedMissingField_createsIt() {
        String definition = """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"v": 1},
                 "ResultPath": "$.a.b", "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'keep': 1}"));

        assertThat(result.output()).isEqualTo(json("{'keep': 1, 'a': {'b': {'v': 1}}}"));
    }

    @Test
    void execute_whenContextIntrinsicsWaitAndParallel_produceAwsShapedValues() {
        AslInterpreter interpreter = AslInterpreter.create(definition("misc.asl.json"), Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP.withStateMachineName("cache-validation"));
        JsonNode input = json("{'tenant': 'acme', 'shards': 4, 'pause': 30, 'encoded': '{\\\"k\\\": [1]}',"
                + " 'object': {'a': 1, 'b': {'c': 2}}, 'override': {'b': 3}}");

        ExecutionResult result = interpreter.execute("exec-42", input);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode context = result.output().get("context");
        assertThat(context.get("id").asText()).isEqualTo("arn:local:execution:exec-42");
        assertThat(context.get("name").asText()).isEqualTo("exec-42");
        assertThat(context.get("start").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(context.get("entered").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(context.get("input")).isEqualTo(input);
        assertThat(context.get("state").asText()).isEqualTo("Context");
        assertThat(context.get("machine").asText()).isEqualTo("cache-validation");
        JsonNode intrinsics = result.output().get("intrinsics");
        assertThat(intrinsics.get("format").asText()).isEqualTo("tenant acme has 4 shards {literal}");
        assertThat(intrinsics.get("parsed")).isEqualTo(json("{'k': [1]}"));
        assertThat(intrinsics.get("encoded").asText()).isEqualTo("{\"a\":1,\"b\":{\"c\":2}}");
        assertThat(intrinsics.get("array")).isEqualTo(json("['acme', 1, true]"));
        assertThat(intrinsics.get("contains").booleanValue()).isTrue();
        assertThat(intrinsics.get("sum").asInt()).isEqualTo(3);
        assertThat(intrinsics.get("uuid").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(intrinsics.get("merged")).isEqualTo(json("{'a': 1, 'b': 3}"));
        assertThat(result.output().get("branches")).isEqualTo(json("['L', 'acme']"));
        // Parallel branches run concurrently, so their relative order is not fixed.
        assertThat(events(result, StateEvent.ENTERED))
                .hasSize(6)
                .startsWith("Context", "Intrinsics", "Pause", "Both")
                .containsOnlyOnce("Both[0]/Left", "Both[1]/Right");
    }

    @Test
    void execute_whenWaitSecondsPathIsNotANumber_failsWithStatesRuntime() {
        String definition = """
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.pause", "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'pause': 'soon'}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'W'").contains("SecondsPath");
    }

    @Test
    void execute_whenIntrinsicFailsAtRuntime_failsWithStatesRuntimeNamingFunction() {
        String definition = """
                {"StartAt": "P", "States": {"P": {"Type": "Pass",
                 "Parameters": {"n.$": "States.ArrayLength($.notAnArray)"}, "End": true}}}""";
        AslInterpreter interpreter = AslInterpreter.create(definition, Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", json("{'notAnArray': 'x'}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'P'").contains("States.ArrayLength");
    }

    @Test
    void execute_whenHistoryLimitIsSmall_keepsOnlyLatestEventsWithoutPayloads() {
        AslInterpreter interpreter = AslInterpreter.create(definition("dataflow.asl.json"),
                Map.of("EnrichFunction", "enrich"), (function, payload) -> json("{'rows': ['secret-row']}"),
                AslTestSupport.NO_SLEEP.withHistoryLimit(3));

        ExecutionResult result = interpreter.execute("run", json("{'request': {'tenant': 't1', 'shard': 1}}"));

        assertThat(result.history()).extracting(StateEvent::stateName, StateEvent::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Summarise", StateEvent.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("Discard", StateEvent.ENTERED),
                org.assertj.core.groups.Tuple.tuple("Discard", StateEvent.SUCCEEDED));
        assertThat(result.history()).allSatisfy(event -> assertThat(event.detail()).doesNotContain("secret-row"));
    }

    @Test
    void create_whenSubstitutionIsMissing_namesTheToken() {
        assertThatThrownBy(() -> AslInterpreter.create(definition("dataflow.asl.json"), Map.of(),
                (function, payload) -> payload, AslTestSupport.NO_SLEEP))
                .isInstanceOf(AslDefinitionException.class)
                .hasMessageContaining("'Enrich'")
                .hasMessageContaining("${EnrichFunction}");
    }
}
