package io.cachecheck.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which runs print their gate lines (docs/workflow.md): a gate run, explicit thresholds, and a real sample. */
class GateAskedTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static boolean asked(String input) throws Exception {
        JsonNode node = MAPPER.readTree(input);
        return CacheCheckCli.gateAsked(node);
    }

    @Test
    void aSampleOfEveryKey_isAFullRun_andAsksNoGateQuestion() throws Exception {
        assertThat(asked("{\"mode\":\"manual\"}")).isFalse();
        assertThat(asked("{\"mode\":\"manual\",\"sample\":1}")).isFalse();
        assertThat(asked("{\"mode\":\"manual\",\"sample\":1.0}")).isFalse();
    }

    @Test
    void aRealSample_aGateRun_orThresholds_askIt() throws Exception {
        assertThat(asked("{\"mode\":\"manual\",\"sample\":0.5}")).isTrue();
        assertThat(asked("{\"mode\":\"manual\",\"sample\":\"x\"}")).isTrue();
        assertThat(asked("{\"mode\":\"gate\"}")).isTrue();
        assertThat(asked("{\"mode\":\"manual\",\"sample\":1,\"gate\":{\"maxDriftRatio\":0.1}}")).isTrue();
    }
}
