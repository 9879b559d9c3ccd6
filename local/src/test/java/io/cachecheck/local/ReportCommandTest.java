package io.cachecheck.local;

import io.cachecheck.check.Verdict;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.workflow.Aggregate;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cachecheck report RUN_ID} through the CLI's own argument handling, on an out directory a run wrote. */
class ReportCommandTest {
    @TempDir
    Path out;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int cli(String... args) {
        return new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void report_regeneratesTheReportFromTheStoredAuditLog() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(out);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store).notifier((s, m) -> { })
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();
        ShardSummary failed = new ShardSummary("shard-0", Verdict.INCOMPLETE, null, 0, 0, 1, 0, null, 0,
                List.of("acme"), "States.Timeout", "ValidateShard timed out");
        new Aggregate(env).aggregate(new Aggregate.Request("cli-run", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"manual\"}"), null, List.of(failed)));
        Path report = out.resolve("audit/cli-run.html");
        byte[] first = Files.readAllBytes(report);
        Files.delete(report);

        int code = cli("report", "cli-run", "--out", out.toString());

        assertThat(code).isEqualTo(0);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("Report: " + report.toAbsolutePath().normalize()
                + System.lineSeparator());
        assertThat(Files.readAllBytes(report)).isEqualTo(first);
    }

    @Test
    void report_ofAnUnknownRun_isOneLineNamingWhereItLooked() {
        int code = cli("report", "no-such-run", "--out", out.toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("error: RUN_ID: run no-such-run has no audit log at "
                + out.resolve("audit/no-such-run.json").toAbsolutePath().normalize()
                + "; check the run id, and --out (or --bucket) where the run wrote its results" + System.lineSeparator());
    }

    @Test
    void report_withoutOrWithABadRunId_isRefused() {
        assertThat(cli("report", "--out", out.toString())).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("error: Missing required parameter: 'RUN_ID', see --help" + System.lineSeparator());
        stderr.reset();
        assertThat(cli("report", "../../etc/passwd", "--out", out.toString())).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).startsWith("error: RUN_ID: '../../etc/passwd' is not a valid id");
    }
}
