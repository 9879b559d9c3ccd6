package io.cachecheck.workflow;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.check.Verdict;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A summary that cannot be published must not cost the run its audit log (the baseline is already saved). */
class AggregatePublishTest {
    @TempDir
    java.nio.file.Path storeDir;


    @Test
    void aNotifierThatThrowsAnything_isRecordedAsAFailedStep_andTheAuditLogIsWritten() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(storeDir);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store)
                .notifier((subject, message) -> {
                    throw new IllegalStateException("no route to SNS");
                })
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();
        ShardSummary failedShard = new ShardSummary("shard-0", Verdict.INCOMPLETE, null, 0, 0, 1, 0, null, 0,
                List.of("acme"), "States.Timeout", "ValidateShard timed out");

        Aggregate.Result result = new Aggregate(env).aggregate(new Aggregate.Request("run-1", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"manual\"}"), null, List.of(failedShard)));

        assertThat(result.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        byte[] audit = store.get(RunIds.auditLogKey("run-1")).orElseThrow();
        AuditLog log = Json.MAPPER.readValue(audit, AuditLog.class);
        assertThat(log.steps()).filteredOn(s -> s.action().equals("publish-summary")).singleElement()
                .satisfies(s -> {
                    assertThat(s.status()).isEqualTo("failed");
                    assertThat(s.details()).isEqualTo(Map.of("error", "java.lang.IllegalStateException"));
                });
        assertThat(store.get("baselines/latest.json")).isPresent();
        // the report was written before the failed publish, and the audit log says so
        assertThat(log.steps()).extracting(s -> s.action() + ":" + s.status())
                .containsSubsequence("aggregate:succeeded", "write-report:succeeded", "publish-summary:failed");
        assertThat(store.get("audit/run-1.html")).isPresent();
    }

    @Test
    void theSummaryLinksTheReport_whichShowsTheRunsSkippedShard() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(storeDir);
        java.util.List<String> messages = new java.util.ArrayList<>();
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store)
                .notifier((subject, message) -> messages.add(message))
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();
        ShardSummary failedShard = new ShardSummary("shard-0", Verdict.INCOMPLETE, null, 0, 0, 1, 0, null, 0,
                List.of("acme"), "States.Timeout", "ValidateShard timed out");

        new Aggregate(env).aggregate(new Aggregate.Request("run-3", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"gate\"}"), null, List.of(failedShard)));

        String report = store.location("audit/run-3.html");
        assertThat(messages).singleElement().satisfies(m -> assertThat(m)
                .contains("\nReport: " + report + "\nAudit log: " + store.location("audit/run-3.json")));
        String html = new String(store.get("audit/run-3.html").orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(html).contains("<strong>Gate: FAILED</strong>")
                .contains("<td class=\"key\">shard-0</td><td>whole shard (1 tenants)</td><td></td><td></td><td>failed:"
                        + " States.Timeout: ValidateShard timed out</td>");
    }

    @Test
    void aReportThatCannotBeWritten_isAFailedStep_andTheSummarySaysSo() throws Exception {
        DirectoryObjectStore dir = new DirectoryObjectStore(storeDir);
        java.util.List<String> messages = new java.util.ArrayList<>();
        io.cachecheck.store.ObjectStore noHtml = new io.cachecheck.store.ObjectStore() {
            @Override
            public void put(String key, byte[] content, String contentType) {
                if (key.endsWith(".html")) {
                    throw new io.cachecheck.error.CacheCheckException("cannot write " + key + " (AccessDenied)");
                }
                dir.put(key, content, contentType);
            }

            @Override
            public java.util.Optional<byte[]> get(String key) {
                return dir.get(key);
            }

            @Override
            public String location(String key) {
                return dir.location(key);
            }
        };
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(noHtml)
                .notifier((subject, message) -> messages.add(message))
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();

        new Aggregate(env).aggregate(new Aggregate.Request("run-4", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"manual\"}"), null, List.of()));

        assertThat(messages).singleElement().satisfies(m -> assertThat(m)
                .contains("\nReport: not written (see the write-report step in the audit log)\n"));
        AuditLog log = Json.MAPPER.readValue(dir.get(RunIds.auditLogKey("run-4")).orElseThrow(), AuditLog.class);
        assertThat(log.steps()).filteredOn(s -> s.action().equals("write-report")).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("failed");
            assertThat(s.details()).isEqualTo(Map.of("error", "cannot write audit/run-4.html (AccessDenied)"));
        });
    }

    @Test
    void withRedactedKeys_aFailedShardsCauseIsWithheldFromTheAuditLog() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(storeDir);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store).notifier((subject, message) -> { })
                .contract(() -> null).redactor(KeyRedactor.hmac("0123456789abcdef0123456789abcdef".getBytes())).build();
        ShardSummary failedShard = new ShardSummary("shard-0", Verdict.INCOMPLETE, null, 0, 0, 1, 0, null, 0,
                List.of("acme"), "io.cachecheck.error.CacheCheckException", "cannot read key t:acme:order:secret-7");

        new Aggregate(env).aggregate(new Aggregate.Request("run-2", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"manual\"}"), null, List.of(failedShard)));

        String audit = new String(store.get(RunIds.auditLogKey("run-2")).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(audit).doesNotContain("secret-7");
        AuditLog log = Json.MAPPER.readValue(audit, AuditLog.class);
        assertThat(log.shards()).singleElement().satisfies(shard -> {
            assertThat(shard.error()).isEqualTo("io.cachecheck.error.CacheCheckException");
            assertThat(shard.cause()).isEqualTo(Aggregate.CAUSE_WITHHELD);
        });
    }
}
