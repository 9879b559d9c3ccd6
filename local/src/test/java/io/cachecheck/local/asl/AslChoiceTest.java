package io.cachecheck.local.asl;

import static io.cachecheck.local.asl.AslTestSupport.interpreter;
import static io.cachecheck.local.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AslChoiceTest {

    private final AslInterpreter choice = interpreter("choice.asl.json", (function, payload) -> payload);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{'kind': 'redis', 'count': 12, 'enabled': true, 'limit': 100, 'at': '2025-01-01T00:00:00Z', 'note': 'x'}"
                + "| BigRedis",
        "{'kind': 'redis', 'count': 9, 'enabled': true, 'limit': 5} | OverLimit",
        "{'kind': 'postgres-16', 'count': 99} | Postgres",
        "{'kind': 'mysql', 'count': 1} | NoFlag",
        "{'kind': 'mysql', 'count': 1, 'enabled': true, 'limit': 9, 'at': '2019-12-31T23:59:59Z', 'note': 'x'}"
                + "| Old",
        "{'kind': 'mysql', 'count': 1, 'enabled': true, 'limit': 9, 'at': '2021-01-01T00:00:00+02:00', "
                + "'note': null} | Old",
        "{'kind': 'mysql', 'count': 1, 'enabled': false, 'limit': 9, 'at': '2021-01-01T00:00:00Z', 'note': 'x'}"
                + "| Disabled",
        "{'kind': 'mysql', 'count': 1, 'enabled': true, 'limit': 9, 'at': '2021-01-01T00:00:00Z', 'note': 'x'}"
                + "| Other",
        // Wrong types never match: a string count is not >= 10 and not compared with limit.
        "{'kind': 'redis', 'count': '12', 'enabled': true, 'limit': 5, 'at': 'not a time', 'note': 'x'} | Other"
    })
    void execute_whenInputMatchesRule_takesThatBranch(String input, String expectedBranch) {
        ExecutionResult result = choice.execute("run", json(input));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().asText()).isEqualTo(expectedBranch);
    }

    @Test
    void execute_whenVariableIsMissing_failsWithStatesRuntime() {
        ExecutionResult result = choice.execute("run", json("{'count': 12}"));

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("'Route'").contains("$.kind");
    }

    @Test
    void execute_whenNoRuleMatchesAndNoDefault_failsWithNoChoiceMatched() {
        AslInterpreter noDefault = interpreter("choice-nodefault.asl.json", (function, payload) -> payload);

        ExecutionResult result = noDefault.execute("run", json("{'kind': 'mysql'}"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.NoChoiceMatched");
        assertThat(result.cause()).contains("'Route'");
    }

    @Test
    void execute_whenRuleMatchesWithoutDefault_succeedsWithInput() {
        AslInterpreter noDefault = interpreter("choice-nodefault.asl.json", (function, payload) -> payload);

        ExecutionResult result = noDefault.execute("run", json("{'kind': 'redis'}"));

        assertThat(result.output()).isEqualTo(json("{'kind': 'redis'}"));
    }
}
