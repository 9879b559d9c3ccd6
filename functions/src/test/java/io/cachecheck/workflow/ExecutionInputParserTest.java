package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.remediate.Limits;
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
    void wholeNumbers_mayBeWrittenWithAZeroFraction_butNotWithAFraction() throws IOException {
        assertThat(ExecutionInputParser.parse(json("{'mode':'manual','maxConcurrency':4.0}")).maxConcurrency()).isEqualTo(4);
        assertThat(ExecutionInputParser.parse(json("{'mode':'manual','maxConcurrency':1e1}")).maxConcurrency()).isEqualTo(10);
        assertThatThrownBy(() -> ExecutionInputParser.parse(json("{'mode':'manual','maxConcurrency':4.5}")))
                .hasMessageStartingWith("maxConcurrency: 4.5 is invalid");
        assertThatThrownBy(() -> ExecutionInputParser.parse(json("{'mode':'manual','maxConcurrency':1e30}")))
                .hasMessageStartingWith("maxConcurrency: ");
    }

    @Test
    void parse_whenOnlyMode_fillsDefaults() throws IOException {
        ExecutionInput input = ExecutionInputParser.parse(json("{'mode':'scheduled'}"));
        assertThat(input).isEqualTo(new ExecutionInput(Mode.SCHEDULED, List.of(), GateThresholds.defaults(), 4, false, "latest",
                Limits.defaults()));
        assertThat(ExecutionInputParser.toJson(input)).isEqualTo(json("{'mode':'scheduled','tenantScope':'all','gate':"
                + "{'maxDriftRatio':0.0,'failOnIncomplete':true,'failOnRegression':false,'allowRemediation':false,"
                + "'scoreTolerance':0.01},"
                + "'maxConcurrency':4,'remediate':false,'baseline':'latest',"
                + "'remediation':{'maxKeysPerRun':1000,'maxKeysPerTenant':200,'maxWritesPerSecond':100.0}}"));
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
        assertThat(manual.remediation()).isEqualTo(new Limits(100, 20, 50));
        // docs/workflow.md and docs/scale.md: a sampled, throttled scheduled run; 8 items at once share the caps
        ExecutionInput sampled = ExecutionInputParser.parse(event("cache-validation-sampled.json"));
        assertThat(sampled.sample()).isEqualTo(0.01);
        assertThat(sampled.throttle()).isEqualTo(new Throttle(80_000.0, 200.0));
        assertThat(sampled.itemOptions(16)).isEqualTo(new io.cachecheck.check.ItemOptions(0.01, 10_000.0, 25.0));
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
            "{'mode':'manual','tenantscope':'all'}|tenantscope: unknown field; allowed fields are [baseline, gate, maxConcurrency, mode, remediate, remediation, sample, tenantScope, throttle] (did you mean tenantScope?)",
            "{'mode':'manual','tenantScope':[]}|tenantScope: [] is invalid",
            "{'mode':'manual','tenantScope':['a','a']}|tenantScope[1]: tenant 'a' is listed twice",
            "{'mode':'manual','tenantScope':'some'}|tenantScope: \"some\" is invalid",
            "{'mode':'gate','gate':{'maxDriftRatio':2}}|gate.maxDriftRatio: 2 is invalid; use a number from 0 to 1",
            "{'mode':'gate','gate':{'maxDrift':0.1}}|gate.maxDrift: unknown field",
            "{'mode':'manual','maxConcurrency':10001}|maxConcurrency: 10001 is invalid; use a whole number from 1 to 10000",
            "{'mode':'manual','maxConcurrency':0}|maxConcurrency: 0 is invalid",
            "{'mode':'manual','remediate':'yes'}|remediate: \"yes\" is not a boolean",
            "{'mode':'gate','remediate':true}|remediate: a gate run must not change the cache",
            "{'mode':'manual','baseline':'../x'}|baseline: '../x' is neither latest, none nor a run id",
            "{'mode':'manual','baseline':7}|baseline: 7 is invalid",
            "{'mode':'gate','gate':{'scoreTolerance':-0.5}}|gate.scoreTolerance: -0.5 is invalid; use a number from 0 to 1",
            "{'mode':'gate','gate':{'scoreTolerence':0.1}}|gate.scoreTolerence: unknown field; allowed fields are [allowRemediation, failOnIncomplete, failOnRegression, maxDriftRatio, scoreTolerance] (did you mean scoreTolerance?)",
            "{'mode':'scheduled','remediate':true,'gate':{'allowRemediation':'yes'}}|gate.allowRemediation: \"yes\" is not a boolean",
            "{'mode':'manual','remediation':5}|remediation: must be an object",
            "{'mode':'manual','remediation':{'maxKeysPerRun':0}}|remediation.maxKeysPerRun: 0 is invalid; use a whole number from 1 to 1000000",
            "{'mode':'manual','remediation':{'maxKeysPerRun':2.5}}|remediation.maxKeysPerRun: 2.5 is invalid",
            "{'mode':'manual','remediation':{'maxKeysPerTenant':'10'}}|remediation.maxKeysPerTenant: \"10\" is invalid",
            "{'mode':'manual','remediation':{'maxKeysPerTenant':2000000}}|remediation.maxKeysPerTenant: 2000000 is invalid",
            "{'mode':'manual','remediation':{'maxWritesPerSecond':0}}|remediation.maxWritesPerSecond: 0 is invalid; use a number above 0",
            "{'mode':'manual','remediation':{'maxWritesPerSecond':-3}}|remediation.maxWritesPerSecond: -3 is invalid",
            "{'mode':'manual','remediation':{'maxKeys':10}}|remediation.maxKeys: unknown field; allowed fields are [maxKeysPerRun, maxKeysPerTenant, maxWritesPerSecond]",
            "{'mode':'manual','sample':0}|sample: 0 is invalid; use a fraction above 0 and at most 1",
            "{'mode':'manual','sample':1.5}|sample: 1.5 is invalid",
            "{'mode':'manual','sample':'1%'}|sample: \"1%\" is invalid",
            "{'mode':'manual','throttle':5}|throttle: must be an object",
            "{'mode':'manual','throttle':{'cacheReadsPerSecond':0}}|throttle.cacheReadsPerSecond: 0 is invalid; use a number above 0",
            "{'mode':'manual','throttle':{'sourceQueriesPerSecond':-1}}|throttle.sourceQueriesPerSecond: -1 is invalid",
            "{'mode':'manual','throttle':{'cacheReads':10}}|throttle.cacheReads: unknown field; allowed fields are [cacheReadsPerSecond, sourceQueriesPerSecond]",
            "[1]|execution input: must be a JSON object"})
    void parse_whenInvalid_namesFieldAndFix(String input, String message) {
        assertThatThrownBy(() -> ExecutionInputParser.parse(json(input)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    @Test
    void parse_sampleAndThrottle_roundTripAndSplitBetweenRunningItems() throws Exception {
        ExecutionInput in = ExecutionInputParser.parse(json("{'mode':'scheduled','sample':0.01,'maxConcurrency':4,"
                + "'throttle':{'cacheReadsPerSecond':20000,'sourceQueriesPerSecond':200}}"));
        assertThat(in.sampled()).isTrue();
        assertThat(ExecutionInputParser.parse(ExecutionInputParser.toJson(in))).isEqualTo(in);
        // 10 items, 4 at once: each gets a quarter; 2 items: each gets half
        assertThat(in.itemOptions(10)).isEqualTo(new io.cachecheck.check.ItemOptions(0.01, 5000.0, 50.0));
        assertThat(in.itemOptions(2)).isEqualTo(new io.cachecheck.check.ItemOptions(0.01, 10000.0, 100.0));
        // sample 1 is every key: not a sampled run
        ExecutionInput all = ExecutionInputParser.parse(json("{'mode':'manual','sample':1}"));
        assertThat(all.sampled()).isFalse();
        assertThat(all.itemOptions(3)).isEqualTo(io.cachecheck.check.ItemOptions.NONE);
        assertThat(ExecutionInputParser.toJson(all).has("sample")).isFalse();
    }

    @Test
    void parse_whenRemediationLimitsGiven_usesThemAndKeepsTheOtherDefaults() throws IOException {
        ExecutionInput input = ExecutionInputParser.parse(json("{'mode':'manual','remediation':{'maxKeysPerRun':5,"
                + "'maxWritesPerSecond':2.5}}"));
        assertThat(input.remediation()).isEqualTo(new Limits(5, Limits.DEFAULT_MAX_KEYS_PER_TENANT, 2.5));
        assertThat(ExecutionInputParser.parse(ExecutionInputParser.toJson(input))).isEqualTo(input);
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
