package io.cachecheck.local;

import io.cachecheck.error.CacheCheckException;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LocalWorkflowStoreTest {

    /** A store that cannot be reached at all, as S3 without credentials. */
    private static final ObjectStore UNREACHABLE = new ObjectStore() {
        @Override
        public void put(String key, byte[] content, String contentType) {
            throw new CacheCheckException("cannot write s3://b/" + key + " (Unable to load credentials)");
        }

        @Override
        public Optional<byte[]> get(String key) {
            throw new CacheCheckException("cannot read s3://b/" + key + " (Unable to load credentials)");
        }

        @Override
        public String location(String key) {
            return "s3://b/" + key;
        }
    };

    @Test
    void aFailedRunWhoseStoreIsUnreachable_reportsTheRunsOwnError_notTheAuditLogRead() throws Exception {
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(UNREACHABLE).notifier((s, m) -> { })
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();
        String definition = "{\"StartAt\":\"DiscoveryFailed\",\"States\":{\"DiscoveryFailed\":{\"Type\":\"Fail\","
                + "\"Error\":\"DiscoveryFailed\",\"Cause\":\"cannot write s3://b/runs/r-1/tenants.json\"}}}";

        LocalWorkflow.Run run = new LocalWorkflow(env, definition, AslOptions.defaults(), Duration.ofSeconds(60))
                .run("r-1", Json.MAPPER.readTree("{\"mode\":\"manual\"}"));

        assertThat(run.execution().succeeded()).isFalse();
        assertThat(run.execution().error()).isEqualTo("DiscoveryFailed");
        assertThat(run.auditLog()).isEmpty();
    }
}
