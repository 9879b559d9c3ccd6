package io.cachecheck.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.local.DemoData;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code cachecheck validate} prints, against the demo dataset (PostgreSQL schema cc_cli_output, a throw-away
 * Redis): the --json document on stdout (and nothing else there), the summary for people on stderr, and the gate
 * lines only for a run that asked the gate's question. The data has 1 STALE, 1 ORPHAN, 1 CORRUPT and 2 UNMAPPED keys.
 */
class CliOutputIT {
    private static final String SCHEMA = "cc_cli_output";
    private static RedisServerProcess redis;
    private static Path contract;

    @TempDir
    Path out;

    @BeforeAll
    static void seed(@TempDir Path dir) throws Exception {
        redis = RedisServerProcess.start();
        new DemoData("jdbc:postgresql://127.0.0.1:5432/test", "postgres", SCHEMA,
                URI.create("redis://127.0.0.1:" + redis.port() + "/0")).seed();
        contract = dir.resolve("contract.yaml");
        Files.writeString(contract, Files.readString(Path.of("../docs/examples/demo-contract.yaml"))
                .replace("cachecheck_demo.", SCHEMA + ".")
                .replace("${CACHECHECK_DEMO_REDIS:-127.0.0.1:6379}/9", "127.0.0.1:" + redis.port() + "/0")
                .replace("${CACHECHECK_DEMO_PG:-127.0.0.1:5432}", "127.0.0.1:5432")
                .replace("graceMillis: 200", "graceMillis: 0"));
    }

    @AfterAll
    static void drop() throws Exception {
        if (redis != null) {
            redis.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** One in-process run: exit code, stdout, stderr. */
    private record Result(int code, String stdout, String stderr) {
    }

    private Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private String[] validate(String runId, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("validate", "--contract", contract.toString(),
                "--out", out.toString(), "--run-id", runId, "--quiet"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void json_stdoutIsOneDocumentWithTheVerdictAndCounts_andThePeoplesSummaryGoesToStderr() throws Exception {
        Result r = run(validate("cli-json", "--json"));

        assertThat(r.code()).as(r.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(r.stdout().lines().count()).as("one line of JSON, nothing else on stdout").isEqualTo(1);
        JsonNode doc = Json.STRICT.readTree(r.stdout());
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        assertThat(doc.get("runId").asText()).isEqualTo("cli-json");
        assertThat(doc.get("mode").asText()).isEqualTo("manual");
        assertThat(doc.get("verdict").asText()).isEqualTo("DRIFT");
        assertThat(doc.get("exitCode").asInt()).isEqualTo(1);
        assertThat(doc.get("gate").get("asked").asBoolean()).isFalse();
        assertThat(doc.get("gate").get("passed").asBoolean()).isFalse();
        JsonNode counts = doc.get("summary").get("counts");
        assertThat(counts.get("STALE").asLong()).isEqualTo(1);
        assertThat(counts.get("ORPHAN").asLong()).isEqualTo(1);
        assertThat(counts.get("CORRUPT").asLong()).isEqualTo(1);
        assertThat(counts.get("UNMAPPED").asLong()).isEqualTo(2);
        assertThat(doc.get("summary").get("driftedKeys").asLong()).isEqualTo(5);
        assertThat(doc.get("auditLog").asText()).isEqualTo(out.resolve("audit/cli-json.json").toString());
        assertThat(doc.get("report").asText()).isEqualTo(out.resolve("audit/cli-json.html").toString());
        assertThat(out.resolve("audit/cli-json.html")).isRegularFile();
        assertThat(doc.get("warnings")).isEmpty();
        assertThat(doc.get("error").isNull()).isTrue();
        // the summary is the audit log's own, field for field
        JsonNode auditLog = Json.MAPPER.readTree(out.resolve("audit/cli-json.json").toFile());
        assertThat(doc.get("summary")).isEqualTo(auditLog.get("summary"));
        // the people's summary, on stderr
        assertThat(r.stderr()).contains("Run cli-json (manual): DRIFT", "Keys checked: ", "Audit log: ");
    }

    @Test
    void aManualRunWithoutThresholds_reportsItsVerdict_andNoGate() {
        Result r = run(validate("cli-manual"));

        assertThat(r.code()).as(r.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("cachecheck DRIFT: run cli-manual");
        assertThat(lines.get(1)).isEqualTo("Run cli-manual (manual): DRIFT");
        assertThat(r.stdout()).doesNotContain("Gate", "gate failed");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Audit log: " + out.resolve("audit/cli-manual.json"));
    }

    @Test
    void aManualRunWithAThreshold_printsTheGateLinesAfterTheVerdict() {
        Result r = run(validate("cli-threshold", "--max-drift-ratio", "0.001"));

        assertThat(r.code()).as(r.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("cachecheck DRIFT (gate failed): run cli-threshold");
        assertThat(lines.get(1)).isEqualTo("Run cli-threshold (manual): DRIFT");
        assertThat(lines.get(2)).startsWith("Gate: FAILED (drift ratio ");
        assertThat(lines.get(lines.size() - 1)).startsWith("Gate failed (ConsistencyGateFailed): verdict DRIFT: gate failed:");
    }

    @Test
    void aGateRunPassingWithinItsRatio_exitsZero_andSaysTheGatePassed_inJsonToo() throws Exception {
        Result r = run(validate("cli-gate", "--mode", "gate", "--max-drift-ratio", "0.5", "--json"));

        assertThat(r.code()).as(r.stderr()).isEqualTo(CacheCheckCli.CONSISTENT);
        JsonNode doc = Json.STRICT.readTree(r.stdout());
        assertThat(doc.get("verdict").asText()).isEqualTo("DRIFT");
        assertThat(doc.get("exitCode").asInt()).isZero();
        assertThat(doc.get("gate").get("asked").asBoolean()).isTrue();
        assertThat(doc.get("gate").get("passed").asBoolean()).isTrue();
        assertThat(r.stderr()).contains("Run cli-gate (gate): DRIFT", "Gate: passed",
                "Gate passed. Audit log: " + out.resolve("audit/cli-gate.json"));
    }

    @Test
    void anInputFileWithAGateObject_asksTheGatesQuestion() {
        Result r = run(validate("cli-input", "--input", "../events/cache-validation-scheduled.json"));
        Result gate = run(validate("cli-input-gate", "--input", "../events/cache-validation-gate.json"));

        assertThat(r.code()).as(r.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(r.stdout()).contains("Run cli-input (scheduled): DRIFT").doesNotContain("Gate");
        assertThat(gate.code()).as(gate.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(gate.stdout()).contains("Run cli-input-gate (gate): DRIFT", "Gate: FAILED",
                "Gate failed (ConsistencyGateFailed)");
    }

    @Test
    void json_whenTheRunFailsOrCannotStart_isStillOneDocument_withTheErrorAndExitCode2() throws Exception {
        Result invalid = run(validate("cli-invalid", "--max-concurrency", "10001", "--json"));
        Result noContract = run("validate", "--contract", out.resolve("missing.yaml").toString(), "--json");

        assertThat(invalid.code()).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        JsonNode doc = Json.STRICT.readTree(invalid.stdout());
        assertThat(doc.get("verdict").isNull()).isTrue();
        assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
        assertThat(doc.get("runId").asText()).isEqualTo("cli-invalid");
        assertThat(doc.get("report").isNull()).isTrue();
        assertThat(doc.get("error").asText()).startsWith("--max-concurrency: 10001 is invalid; use a whole number from 1 to 10000")
                .contains("[execution input field maxConcurrency]");
        assertThat(invalid.stderr().trim()).isEqualTo("error: " + doc.get("error").asText());

        assertThat(noContract.code()).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        JsonNode error = Json.STRICT.readTree(noContract.stdout());
        assertThat(error.get("runId").isNull()).isTrue();
        assertThat(error.get("exitCode").asInt()).isEqualTo(2);
        assertThat(noContract.stderr().trim()).isEqualTo("error: " + error.get("error").asText());
        assertThat(error.get("error").asText()).contains("missing.yaml");
    }

    /**
     * The jq line of docs/workflow.md (JSON output), as written there, run by bash with the shaded jar as
     * {@code cachecheck} on PATH and this test's contract as my-contract.yaml: stdout is the document, whatever
     * stderr carries, and the CLI's exit code comes through the pipe.
     */
    @Test
    void theDocumentedJqLine_worksOnTheJar(@TempDir Path dir) throws Exception {
        String line = Files.readString(Path.of("../docs/workflow.md")).lines()
                .filter(l -> l.startsWith("cachecheck validate --contract my-contract.yaml --json")).findFirst().orElseThrow();
        Files.copy(contract, dir.resolve("my-contract.yaml"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("cachecheck"), "#!/bin/sh\nexec java -jar "
                + Path.of("target/cachecheck.jar").toAbsolutePath() + " \"$@\"\n");
        bin.resolve("cachecheck").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; " + line)
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        JsonNode doc = Json.STRICT.readTree(stdout);
        assertThat(doc.get("verdict").asText()).isEqualTo("DRIFT");
        assertThat(doc.get("exitCode").asInt()).isEqualTo(1);
        assertThat(doc.get("stale").asInt()).isEqualTo(1);
        assertThat(p.exitValue()).as("pipefail: the CLI's exit code, drift").isEqualTo(1);
        assertThat(dir.resolve("cachecheck-out/audit")).isDirectory(); // the default --out, in the working directory
    }
}
