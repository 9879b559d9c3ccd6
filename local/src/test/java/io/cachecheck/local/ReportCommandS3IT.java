package io.cachecheck.local;

import io.cachecheck.check.Verdict;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.config.Settings;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.S3ObjectStore;
import io.cachecheck.workflow.Aggregate;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachecheck report RUN_ID --bucket …} (docs/report.md, "Regenerating a report") against a real S3 protocol
 * server (S3Proxy): the run's Aggregate wrote the audit log and report to the bucket, and the command rewrites the
 * report from the stored audit log and baselines, byte for byte.
 */
class ReportCommandS3IT {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret")
            .withBlobStoreProvider("transient").build();
    private static final String BUCKET = "reports";

    @BeforeAll
    static void credentials() {
        // the default credentials chain reads these, as it reads the role's credentials in Lambda
        System.setProperty("aws.accessKeyId", "access");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void report_withBucket_regeneratesTheReportInTheBucket() throws Exception {
        Settings settings = Settings.of(Map.of(Settings.REGION.name(), "us-east-1",
                Settings.S3_ENDPOINT.name(), S3.getUri().toString()));
        S3Client s3 = WorkflowEnvironment.s3Client(settings);
        s3.createBucket(b -> b.bucket(BUCKET));
        S3ObjectStore store = new S3ObjectStore(s3, BUCKET);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store).notifier((s, m) -> { })
                .contract(() -> null).redactor(KeyRedactor.disabled()).build();
        ShardSummary failed = new ShardSummary("shard-0", Verdict.INCOMPLETE, null, 0, 0, 1, 0, null, 0,
                List.of("acme"), "States.Timeout", "ValidateShard timed out");
        new Aggregate(env).aggregate(new Aggregate.Request("s3-run", Instant.parse("2026-03-01T10:00:00Z"),
                Json.MAPPER.readTree("{\"mode\":\"manual\"}"), null, List.of(failed)));
        byte[] written = store.get("audit/s3-run.html").orElseThrow();
        s3.deleteObject(b -> b.bucket(BUCKET).key("audit/s3-run.html"));

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(new String[]{"report", "s3-run",
                "--bucket", BUCKET, "--s3-endpoint", S3.getUri().toString(), "--region", "us-east-1"});

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(0);
        assertThat(stdout.toString(StandardCharsets.UTF_8).strip()).isEqualTo("Report: s3://reports/audit/s3-run.html");
        assertThat(store.get("audit/s3-run.html")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(written));
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("audit/s3-run.html")).contentType())
                .isEqualTo("text/html;charset=utf-8");
        // the trend listed the bucket's baselines/ through the S3 protocol: this run's baseline is its one point
        assertThat(new String(written, StandardCharsets.UTF_8)).contains("<td class=\"key\">s3-run</td>");
        // and the console link a summary carries
        assertThat(store.link("audit/s3-run.html")).isEqualTo("https://console.aws.amazon.com/s3/object/reports"
                + "?region=us-east-1&bucketType=general&prefix=audit%2Fs3-run.html");
    }
}
