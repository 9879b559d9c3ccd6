package io.cachecheck.handler;

import io.cachecheck.error.InvalidInputException;
import io.cachecheck.workflow.DiscoverShards;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a handler reads its request: the ValidateInput request carries the execution input as the user wrote it. */
class HandlersTest {
    private static DiscoverShards.Request validate(String input) throws Exception {
        String request = "{\"operation\": \"validate\", \"runId\": \"r-1\", \"input\": " + input + "}";
        return Handlers.read(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), DiscoverShards.Request.class);
    }

    @Test
    void aFieldGivenTwiceInTheExecutionInput_isRefusedNamingIt() {
        assertThatThrownBy(() -> validate("{\"mode\": \"manual\", \"mode\": \"gate\"}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("mode: is given twice in the execution input; keep one value (a repeated field would silently"
                        + " replace the first)");
        assertThatThrownBy(() -> validate("{\"mode\": \"gate\", \"gate\": {\"maxDriftRatio\": 0, \"maxDriftRatio\": 1}}"))
                .hasMessageStartingWith("gate.maxDriftRatio: is given twice in the execution input; keep one value");
    }

    @Test
    void aFieldGivenTwiceInTheRequest_isRefusedToo() {
        String request = "{\"operation\": \"validate\", \"runId\": \"a\", \"runId\": \"b\", \"input\": {}}";
        assertThatThrownBy(() -> Handlers.read(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
                DiscoverShards.Request.class))
                .hasMessageStartingWith("runId: is given twice in the request; keep one value");
    }

    @Test
    void theSameNameInDifferentObjects_isNoDuplicate() throws Exception {
        assertThat(validate("{\"mode\": \"gate\", \"gate\": {\"mode\": 1}}").input().path("mode").asText()).isEqualTo("gate");
    }
}
