package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutionInputParserTest {
    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text.replace('\'', '"'));
    }

    private static JsonNode event(String name) throws IOException {
        try (InputStream in = ExecutionInputParserTest.class.getClassLoader().getResourceAsStream("events/" + name)) {
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void parse_whenOnlyMode_fillsDefaults() throws IOException {
        ExecutionInput input = ExecutionInputParser.parse(json("{'mode':'scheduled'}"));
        assertThat(input).isEqualTo(new ExecutionInput(Mode.SCHEDULED, List.of(), GateThresholds.defaults(), 4, false, "latest"));
        assertThat(ExecutionInputParser.toJson(input)).isEqualTo(json("{'mode':'scheduled','tenantScope':'all','gate':"
                + "{'maxDriftRatio':0.0,'failOnIncomplete':true,'failOnRegression':false,'allowRemediation':false,"
                + "'scoreTolerance':0.01},"
                + "'maxConcurrency':4,'remediate':false,'baseline':'latest'}"));
    }

    @Test
    void parse_sampleEvents_areValid() throws IOException {
        assertThat(ExecutionInputParser.parse(event("cache-validation-scheduled.json")).mode()).isEqualTo(Mode.SCHEDULED);
        ExecutionInput gate = ExecutionInputParser.parse(event("cache-validation-gate.json"));
        assertThat(gate.gate().maxDriftRatio()).isEqualTo(0.001);
        assertThat(gate.maxConcurrency()).isEqualTo(8);
        ExecutionInput manual = ExecutionInputParser.parse(event("cache-validation-manual.json"));
        assertThat(manual.tenantScope()).containsExactly("acme", "globex");
        assertThat(manual.baseline()).isEqualTo("none");
    }

    @Test
    void parse_normalizedOutput_parsesToTheSameInput() throws IOException {
        ExecutionInput manual = ExecutionInputParser.parse(event("cache-validation-manual.json"));
        assertThat(ExecutionInputParser.parse(ExecutionInputParser.toJson(manual))).isEqualTo(manual);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|mode: is required",
            "{'mode':'nightly'}|mode: \"nightly\" is unknown",
            "{'mode':'manual','tenantscope':'all'}|tenantscope: unknown field; allowed fields are [baseline, gate, maxConcurrency, mode, remediate, tenantScope] (did you mean tenantScope?)",
            "{'mode':'manual','tenantScope':[]}|tenantScope: [] is invalid",
            "{'mode':'manual','tenantScope':['a','a']}|tenantScope[1]: tenant 'a' is listed twice",
            "{'mode':'manual','tenantScope':'some'}|tenantScope: \"some\" is invalid",
            "{'mode':'gate','gate':{'maxDriftRatio':2}}|gate.maxDriftRatio: 2 is invalid; use a number from 0 to 1",
            "{'mode':'gate','gate':{'maxDrift':0.1}}|gate.maxDrift: unknown field",
            "{'mode':'manual','maxConcurrency':41}|maxConcurrency: 41 is invalid; use a whole number from 1 to 40",
            "{'mode':'manual','maxConcurrency':0}|maxConcurrency: 0 is invalid",
            "{'mode':'manual','remediate':'yes'}|remediate: \"yes\" is not a boolean",
            "{'mode':'gate','remediate':true}|remediate: a gate run must not change the cache",
            "{'mode':'manual','baseline':'../x'}|baseline: '../x' is neither latest, none nor a run id",
            "{'mode':'manual','baseline':7}|baseline: 7 is invalid",
            "{'mode':'gate','gate':{'scoreTolerance':-0.5}}|gate.scoreTolerance: -0.5 is invalid; use a number from 0 to 1",
            "{'mode':'gate','gate':{'scoreTolerence':0.1}}|gate.scoreTolerence: unknown field; allowed fields are [allowRemediation, failOnIncomplete, failOnRegression, maxDriftRatio, scoreTolerance] (did you mean scoreTolerance?)",
            "{'mode':'scheduled','remediate':true,'gate':{'allowRemediation':'yes'}}|gate.allowRemediation: \"yes\" is not a boolean",
            "[1]|execution input: must be a JSON object"})
    void parse_whenInvalid_namesFieldAndFix(String input, String message) {
        assertThatThrownBy(() -> ExecutionInputParser.parse(json(input)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    @Test
    void parse_whenGateAllowsRemediation_acceptsRemediate() throws IOException {
        ExecutionInput input = ExecutionInputParser.parse(json("{'mode':'gate','remediate':true,'gate':{'allowRemediation':true}}"));
        assertThat(input.remediate()).isTrue();
    }

    @Test
    void parse_whenScoreToleranceGiven_usesItAndKeepsTheOtherDefaults() throws IOException {
        ExecutionInput input = ExecutionInputParser.parse(json("{'mode':'gate','gate':{'scoreTolerance':0.05,'failOnRegression':true}}"));
        assertThat(input.gate()).isEqualTo(new GateThresholds(0, true, true, false, 0.05));
        assertThat(input.gate().policy()).isEqualTo(new io.cachecheck.baseline.GatePolicy(0.0, true, true));
    }
}
