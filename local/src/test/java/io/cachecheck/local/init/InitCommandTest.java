package io.cachecheck.local.init;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class InitCommandTest {
    private static String error(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new InitCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> null).run(args);
        assertThat(code).isEqualTo(InitCommand.ERROR);
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void run_badOptions_failWithOneLineNamingTheOption() {
        assertThat(error("--source", "jdbc:postgresql://h/db")).isEqualTo(
                "error: --cache is required, e.g. --cache redis://127.0.0.1:6379/0");
        assertThat(error("--cache", "redis://h:1", "--source", "jdbc:postgresql://h/db", "--max-keys", "0")).isEqualTo(
                "error: --max-keys: '0' is not a positive whole number, e.g. 10000");
        assertThat(error("--cahce", "redis://h:1")).startsWith("error: unknown init option --cahce (did you mean --cache?)");
        assertThat(error("--cache", "redis://h:1", "--source", "jdbc:postgresql://h/db", "--schema", "a;drop")).isEqualTo(
                "error: --schema: 'a;drop' is not a plain schema name; give names of letters, digits and _ separated by"
                        + " commas, e.g. --schema shop,billing");
    }
}
