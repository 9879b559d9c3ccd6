package io.cachecheck.local.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A value that is not a number names the option's own range: 0 is a valid drift ratio, but never a sample. */
class RatioOptionMessageTest {

    /** A contract that loads, so the option is what is refused (nothing connects: the options fail first). */
    private static final String CONTRACT = "../docs/examples/demo-contract.yaml";

    private static String stderrOf(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
        assertThat(code).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        return stderr.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void sample_namesItsRange_aboveZero() {
        assertThat(stderrOf("validate", "--contract", CONTRACT, "--sample", "abc"))
                .isEqualTo("error: --sample: 'abc' is not a number; use a fraction above 0 and at most 1, e.g. 0.01");
    }

    @Test
    void gateRatios_nameTheirs_fromZero() {
        assertThat(stderrOf("validate", "--contract", CONTRACT, "--max-drift-ratio", "x"))
                .isEqualTo("error: --max-drift-ratio: 'x' is not a number; use a ratio from 0 to 1, e.g. 0.001");
        assertThat(stderrOf("validate", "--contract", CONTRACT, "--score-tolerance", "x"))
                .isEqualTo("error: --score-tolerance: 'x' is not a number; use a ratio from 0 to 1, e.g. 0.01");
    }
}
