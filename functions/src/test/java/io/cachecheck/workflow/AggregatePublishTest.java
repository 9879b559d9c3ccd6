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
