package io.cachecheck.local.asl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AslDefinitionTest {

    private static final String LAMBDA = "\"Resource\": \"arn:aws:states:::lambda:invoke\"";

    private static String machine(String states) {
        return "{\"StartAt\": \"A\", \"States\": {" + states + "}}";
    }

    /** A Distributed Map state A with the given extra fields. */
    private static String distributed(String fields) {
        return "\"A\": {\"Type\": \"Map\", " + fields + ", \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": "
                + "\"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}, \"StartAt\": \"B\", \"States\": {\"B\": "
                + "{\"Type\": \"Succeed\"}}}, \"End\": true}";
    }

    static Stream<Arguments> invalidDefinitions() {
        return Stream.of(
                Arguments.of("unreplaced token in FunctionName",
                        machine("\"A\": {\"Type\": \"Task\", " + LAMBDA + ", \"Parameters\": {\"FunctionName\": "
                                + "\"${CheckFunction}\", \"Payload.$\": \"$\"}, \"End\": true}"),
                        new String[] {"'A'", "${CheckFunction}", "substitutions"}),
                Arguments.of("unreplaced token in Resource",
                        machine("\"A\": {\"Type\": \"Task\", \"Resource\": \"${CheckArn}\", \"End\": true}"),
                        new String[] {"'A'", "${CheckArn}"}),
                Arguments.of("unsupported service integration",
                        machine("\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", "
                                + "\"End\": true}"),
                        new String[] {"'A'", "arn:aws:states:::sqs:sendMessage"}),
                Arguments.of("ItemReader on an inline Map",
                        machine("\"A\": {\"Type\": \"Map\", \"ItemReader\": {}, \"ItemProcessor\": {\"StartAt\": "
                                + "\"B\", \"States\": {\"B\": {\"Type\": \"Succeed\"}}}, \"End\": true}"),
                        new String[] {"'A'", "ItemReader", "DISTRIBUTED"}),
                Arguments.of("Distributed Map without ExecutionType",
                        machine("\"A\": {\"Type\": \"Map\", \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": "
                                + "\"DISTRIBUTED\"}, \"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": "
                                + "\"Succeed\"}}}, \"End\": true}"),
                        new String[] {"'A'", "ExecutionType", "STANDARD or EXPRESS"}),
                Arguments.of("Distributed Map ItemBatcher",
                        machine("\"A\": {\"Type\": \"Map\", \"ItemBatcher\": {\"MaxItemsPerBatch\": 10}, "
                                + "\"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": "
                                + "\"STANDARD\"}, \"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Succeed\"}}}, "
                                + "\"End\": true}"),
                        new String[] {"'A'", "ItemBatcher"}),
                Arguments.of("Distributed Map reading CSV",
                        machine(distributed("\"ItemReader\": {\"Resource\": \"arn:aws:states:::s3:getObject\", "
                                + "\"ReaderConfig\": {\"InputType\": \"CSV\"}, \"Parameters\": {\"Bucket\": \"b\", "
                                + "\"Key\": \"k\"}}")),
                        new String[] {"'A'", "InputType 'CSV'", "JSON and JSONL"}),
                Arguments.of("Distributed Map listing objects",
                        machine(distributed("\"ItemReader\": {\"Resource\": \"arn:aws:states:::s3:listObjectsV2\", "
                                + "\"Parameters\": {\"Bucket\": \"b\"}}")),
                        new String[] {"'A'", "listObjectsV2"}),
                Arguments.of("ItemReader and ItemsPath",
                        machine(distributed("\"ItemsPath\": \"$.items\", \"ItemReader\": {\"Resource\": "
                                + "\"arn:aws:states:::s3:getObject\", \"ReaderConfig\": {\"InputType\": \"JSON\"}, "
                                + "\"Parameters\": {\"Bucket\": \"b\", \"Key\": \"k\"}}")),
                        new String[] {"'A'", "ItemReader and ItemsPath"}),
                Arguments.of("ResultWriter with an unreplaced bucket",
                        machine(distributed("\"ResultWriter\": {\"Resource\": \"arn:aws:states:::s3:putObject\", "
                                + "\"Parameters\": {\"Bucket\": \"${AuditBucketName}\", \"Prefix\": \"p\"}}")),
                        new String[] {"'A'", "${AuditBucketName}"}),
                Arguments.of("ToleratedFailurePercentage over 100",
                        machine(distributed("\"ToleratedFailurePercentage\": 101")),
                        new String[] {"'A'", "ToleratedFailurePercentage", "0 to 100"}),
                Arguments.of("MaxConcurrency over the Distributed Map quota",
                        machine(distributed("\"MaxConcurrency\": 10001")),
                        new String[] {"'A'", "10000"}),
                Arguments.of("variables",
                        machine("\"A\": {\"Type\": \"Pass\", \"Assign\": {\"x\": 1}, \"End\": true}"),
                        new String[] {"'A'", "Assign"}),
                Arguments.of("JSONata",
                        "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": "
                                + "{\"Type\": \"Succeed\"}}}",
                        new String[] {"JSONata"}),
                Arguments.of("unknown intrinsic",
                        machine("\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"States.Frobnicate($)\"}, "
                                + "\"End\": true}"),
                        new String[] {"'A'", "States.Frobnicate"}),
                Arguments.of("missing Next target",
                        machine("\"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}"),
                        new String[] {"'A'", "Nowhere"}),
                Arguments.of("missing Catch target",
                        machine("\"A\": {\"Type\": \"Task\", \"Resource\": \"fn\", \"Catch\": [{\"ErrorEquals\": "
                                + "[\"States.ALL\"], \"Next\": \"Gone\"}], \"End\": true}"),
                        new String[] {"'A'", "Gone"}),
                Arguments.of("neither Next nor End",
                        machine("\"A\": {\"Type\": \"Pass\"}"),
                        new String[] {"'A'", "Next or \"End\""}),
                Arguments.of("Choice without Choices",
                        machine("\"A\": {\"Type\": \"Choice\", \"Default\": \"A\"}"),
                        new String[] {"'A'", "Choices"}),
                Arguments.of("unknown Type",
                        machine("\"A\": {\"Type\": \"Loop\", \"End\": true}"),
                        new String[] {"'A'", "Loop"}),
                Arguments.of("misspelt field",
                        machine("\"A\": {\"Type\": \"Pass\", \"ResultPth\": \"$.x\", \"End\": true}"),
                        new String[] {"'A'", "ResultPth"}),
                Arguments.of("ResultPath that is not a reference path",
                        machine("\"A\": {\"Type\": \"Pass\", \"ResultPath\": \"$.items[*]\", \"End\": true}"),
                        new String[] {"'A'", "$.items[*]"}),
                Arguments.of("States.ALL not last",
                        machine("\"A\": {\"Type\": \"Task\", \"Resource\": \"fn\", \"Retry\": [{\"ErrorEquals\": "
                                + "[\"States.ALL\"]}, {\"ErrorEquals\": [\"X\"]}], \"End\": true}"),
                        new String[] {"'A'", "States.ALL"}),
                Arguments.of("unreachable state",
                        machine("\"A\": {\"Type\": \"Succeed\"}, \"Orphan\": {\"Type\": \"Succeed\"}"),
                        new String[] {"'Orphan'", "not reachable"}),
                Arguments.of("StartAt names no state",
                        "{\"StartAt\": \"Missing\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
                        new String[] {"'Missing'", "StartAt"}),
                Arguments.of("Choice operand of wrong type",
                        machine("\"A\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", "
                                + "\"NumericEquals\": \"1\", \"Next\": \"B\"}]}, \"B\": {\"Type\": \"Succeed\"}"),
                        new String[] {"'A'", "NumericEquals"}),
                Arguments.of("state inside a Map iterator",
                        machine("\"A\": {\"Type\": \"Map\", \"Iterator\": {\"StartAt\": \"B\", \"States\": {\"B\": "
                                + "{\"Type\": \"Pass\", \"Next\": \"A\"}}}, \"End\": true}"),
                        new String[] {"'B'", "'A'"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDefinitions")
    void create_whenDefinitionIsInvalidOrUnsupported_failsNamingStateAndFeature(String description, String definition,
            String[] expectedFragments) {
        assertThatThrownBy(() -> AslInterpreter.create(definition, Map.of(), (function, payload) -> payload,
                AslTestSupport.NO_SLEEP))
                .isInstanceOf(AslDefinitionException.class)
                .message()
                .contains(expectedFragments);
    }

    @Test
    void create_whenSubstitutionProvided_replacesEveryOccurrenceBeforeParsing() {
        String definition = machine("\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn}\", \"ResultPath\": "
                + "\"$.${Field}\", \"End\": true}");
        StringBuilder called = new StringBuilder();
        AslInterpreter interpreter = AslInterpreter.create(definition,
                Map.of("Fn", "arn:aws:lambda:eu-west-1:1:function:check", "Field", "checked"),
                (function, payload) -> {
                    called.append(function);
                    return AslTestSupport.json("true");
                }, AslTestSupport.NO_SLEEP);

        ExecutionResult result = interpreter.execute("run", AslTestSupport.json("{}"));

        assertThat(called.toString()).isEqualTo("arn:aws:lambda:eu-west-1:1:function:check");
        assertThat(result.output()).isEqualTo(AslTestSupport.json("{'checked': true}"));
    }

    @Test
    void create_whenJsonIsMalformed_failsWithDefinitionError() {
        assertThatThrownBy(() -> AslInterpreter.create("{\"StartAt\": ", Map.of(), (function, payload) -> payload,
                AslTestSupport.NO_SLEEP))
                .isInstanceOf(AslDefinitionException.class)
                .hasMessageContaining("not valid JSON");
    }
}
