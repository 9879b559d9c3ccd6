package io.cachecheck.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.explain.ExplainData;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachecheck explain} through the CLI against a throw-away Redis and real PostgreSQL (schema cc_explain, data
 * {@link ExplainData}), and docs/explain.md's example outputs, which must be what the command prints.
 */
class ExplainCommandIT {
    private static final long GRACE = 1_500;
    private static RedisServerProcess server;
    private static final ExplainData DATA = new ExplainData(true);

    @TempDir
    Path dir;
    private Path contract;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void seed() throws Exception {
        try (Jedis redis = server.client()) {
            DATA.seed(redis);
        }
        contract = dir.resolve("explain-example.yaml");
        Files.writeString(contract, DATA.contract(server.port(), GRACE));
    }

    @AfterEach
    void drop() throws Exception {
        DATA.drop();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CacheCheckCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void explain_staleKey_exitsOne_andPrintsNoValueWithoutShowValues() {
        Run run = cli("explain", "--contract", contract.toString(), "ex:acme:order:2");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("class    STALE  (fields-differ)")
                .contains("field    status: DIFFERENT, compared as text")
                .doesNotContain(ExplainData.CACHED_SECRET).doesNotContain(ExplainData.SOURCE_SECRET);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void explain_showValues_printsBothValues_andWarnsOnStderr() {
        Run run = cli("explain", "--contract", contract.toString(), "--show-values", "ex:acme:order:2");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("canonical S" + ExplainData.CACHED_SECRET).contains("canonical S" + ExplainData.SOURCE_SECRET);
        assertThat(run.err()).startsWith("warning: --show-values");
    }

    @Test
    void explain_json_isOneDocument_withTheClassAndNoValues() throws Exception {
        Run run = cli("explain", "--contract", contract.toString(), "--json", "ex:acme:jdk-order:1");

        assertThat(run.exit()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("driftClass").asText()).isEqualTo("CONSISTENT");
        assertThat(doc.get("route").get("namespace").asText()).isEqualTo("order_jdk");
        assertThat(doc.get("decode").get(0).get("step").asText()).isEqualTo("java");
        assertThat(doc.get("valuesShown").asBoolean()).isFalse();
        assertThat(doc.get("fields").get(0).has("cacheValue")).isFalse();
        assertThat(run.out()).doesNotContain("shipped");
    }

    @Test
    void explain_missingKey_exitsTwo_andUsageMistakesAreOneLine() {
        Run missing = cli("explain", "--contract", contract.toString(), "ex:acme:order:4");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.out()).contains("class    KEY_MISSING");

        Run both = cli("explain", "--contract", contract.toString(), "--show-values", "--redact-keys", "ex:acme:order:2");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("error: --show-values with --redact-keys: the values would show what the redacted"
                + " key hides; use one of them\n");

        Run noKey = cli("explain", "--contract", contract.toString());
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).startsWith("error: ").contains("KEY").doesNotContain("\n\n");
    }

    private static final Pattern EXAMPLE = Pattern.compile("```\\n\\$ cachecheck (explain [^\\n]+)\\n(.*?)```", Pattern.DOTALL);

    /** The parts that change between runs: the digests keyed per explanation, the server's port, the time waited. */
    private static String normalised(String text) {
        return text.replaceAll("#[0-9a-f]{12}", "#<digest>").replaceAll("(Digest\" : \")[0-9a-f]{12}\"", "$1<digest>\"").replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>")
                .replaceAll("after waiting \\d+ ms", "after waiting <n> ms");
    }

    @Test
    void docsExamples_areWhatTheCommandPrints() throws Exception {
        String doc = Files.readString(Path.of("../docs/explain.md"));
        Matcher m = EXAMPLE.matcher(doc);
        List<String> commands = new ArrayList<>();
        List<String> documented = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        Path actual = Path.of("target/explain-doc");
        Files.createDirectories(actual);
        while (m.find()) {
            String command = m.group(1);
            commands.add(command);
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.replaceAll(a -> a.equals("explain-example.yaml") ? contract.toString() : a);
            Run run = cli(args.toArray(new String[0]));
            // kept for whoever updates the docs: the real output of each example
            Files.writeString(actual.resolve(commands.size() + ".txt"), "$ cachecheck " + command + "\n" + run.out());
            documented.add(normalised(m.group(2)));
            printed.add(normalised(run.out()));
        }
        assertThat(commands).hasSizeGreaterThanOrEqualTo(4);
        assertThat(documented).isEqualTo(printed);
    }
}
