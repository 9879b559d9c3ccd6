package io.cachecheck.local.init;

import io.cachecheck.local.cli.CacheCheckCli;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cachecheck init} mistakes: one line naming the option, exit code 2, before anything is read. */
class InitCliTest {
    private static String error(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] line = new String[args.length + 1];
        line[0] = "init";
        System.arraycopy(args, 0, line, 1, args.length);
        int code = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(line);
        assertThat(code).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void init_badOptions_failWithOneLineNamingTheOption() {
        assertThat(error("--source", "jdbc:postgresql://h/db")).startsWith("error: --cache URL is required");
        assertThat(error("--cahce", "redis://h:1", "--source", "jdbc:postgresql://h/db"))
                .startsWith("error: unknown option --cahce (did you mean --cache?)");
        assertThat(error("--cache", "redis://h:1", "--source", "jdbc:postgresql://h/db", "--max-keys", "0")).isEqualTo(
                "error: --max-keys: 0 is not a positive whole number, e.g. 10000");
        assertThat(error("--cache", "redis://h:1", "--source", "jdbc:postgresql://h/db", "--schema", "a;drop")).isEqualTo(
                "error: --schema: 'a;drop' is not a plain schema name; give names of letters, digits and _ separated by"
                        + " commas, e.g. --schema shop,billing");
        assertThat(error("--cache", "memcached://h:1", "--source", "jdbc:postgresql://h/db")).isEqualTo(
                "error: --cache: must be redis://host:port[/db] or rediss://host:port[/db]");
    }
}
