package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.testing.DriftDataset;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.StoredShardResult;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The three handlers with the sample events from events/, built by their production path
 * ({@link WorkflowEnvironment#fromSettings}) against real PostgreSQL and Redis (db 5), S3 (S3Proxy) and SNS
 * (WireMock answering the Query protocol).
 */
class HandlersIT {
    private static final String SCHEMA = "cc_it_handlers";
    private static final int REDIS_DB = 5;
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String BUCKET = "audit";
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:cachecheck-summary";
    /** Values DriftDataset writes into the drifted entries: none may reach the audit log. */
    private static final List<String> SEEDED_VALUES = List.of("someone.else@initech.example", "99.99", "User 3");

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret")
            .withBlobStoreProvider("transient").build();

    private static final DriftDataset DATA = new DriftDataset(SCHEMA, true, "hit:");
    private static WireMockServer sns;
    private static RedisClient redis;
    @TempDir
    static Path dir;
    private static Path contractFile;

    private S3Client s3;
    private WorkflowEnvironment env;

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
        redis.flushDB();
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", null)) {
            DATA.seed(db, redis);
        }
        contractFile = dir.resolve("contract.yaml");
        Files.writeString(contractFile, DATA.contract("redis://127.0.0.1:6379/" + REDIS_DB,
                "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", false, null));
        sns = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sns.start();
        // The default credentials chain reads these system properties, as it reads the role's credentials in Lambda.
        System.setProperty("aws.accessKeyId", "access");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", null)) {
            DATA.dropSchema(db);
        }
        redis.flushDB();
        redis.close();
        sns.stop();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void setUp() {
        s3 = S3Client.builder().httpClientBuilder(Apache5HttpClient.builder()).region(Region.US_EAST_1)
                .endpointOverride(S3.getUri()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"))).build();
        s3.createBucket(b -> b.bucket(BUCKET));
        sns.resetAll();
        sns.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                        + "<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.CONTRACT_LOCATION.name(), contractFile.toString());
        settings.put(Settings.AUDIT_BUCKET.name(), BUCKET);
        settings.put(Settings.S3_ENDPOINT.name(), S3.getUri().toString());
        settings.put(Settings.SUMMARY_TOPIC_ARN.name(), TOPIC);
        settings.put(Settings.SNS_ENDPOINT.name(), sns.baseUrl());
        settings.put(Settings.REGION.name(), "us-east-1");
        env = WorkflowEnvironment.fromSettings(Settings.of(settings));
    }

    private static JsonNode invoke(RequestStreamHandler handler, Object event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.bytes(event)), out, new TestContext(900_000));
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private byte[] object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    @ParameterizedTest
    @Event(value = "events/discover-shards-validate.json", type = Map.class)
    void discoverShards_validateEvent_returnsNormalizedInput(Map<String, Object> event) throws IOException {
        JsonNode result = invoke(new DiscoverShardsHandler(env), event);

        assertThat(result.get("runId").asText()).isEqualTo("sample-run");
        assertThat(result.get("startedAt").asText()).isNotBlank();
        assertThat(result.get("input")).isEqualTo(Json.MAPPER.readTree("{\"mode\":\"manual\",\"tenantScope\":[\"acme\",\"globex\"],"
                + "\"gate\":{\"maxDriftRatio\":0.0,\"failOnIncomplete\":true,\"failOnRegression\":false,\"allowRemediation\":false,"
                + "\"scoreTolerance\":0.01},"
                + "\"maxConcurrency\":4,\"remediate\":false,\"baseline\":\"latest\",\"remediation\":{\"maxKeysPerRun\":1000,"
                + "\"maxKeysPerTenant\":200,\"maxWritesPerSecond\":100.0}}"));
    }

    @Test
    void discoverShards_whenInputInvalid_throwsInvalidInputNamingTheField() {
        Map<String, Object> event = Map.of("operation", "validate", "runId", "r1", "input", Map.of("mode", "manual", "maxConcurrency", 10001));

        assertThatThrownBy(() -> invoke(new DiscoverShardsHandler(env), event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("maxConcurrency: 10001 is invalid; use a whole number from 1 to 10000 (default 4)");
    }

    @ParameterizedTest
    @Event(value = "events/discover-shards-discover.json", type = Map.class)
    void discoverShards_discoverEvent_plansShardsAndStoresTenants(Map<String, Object> event) throws IOException {
        JsonNode result = invoke(new DiscoverShardsHandler(env), event);

        assertThat(result.get("tenantCount").asInt()).isEqualTo(4);
        assertThat(result.has("shards")).as("the items go to the store, not into the state").isFalse();
        assertThat(result.get("workItemsRef").asText()).isEqualTo("runs/sample-run/work-items.json");
        assertThat(result.get("resultsPrefix").asText()).isEqualTo("runs/sample-run/map");
        JsonNode items = Json.MAPPER.readTree(object("runs/sample-run/work-items.json"));
        assertThat(result.get("itemCount").asInt()).isEqualTo(items.size());
        Set<String> planned = new HashSet<>();
        items.forEach(s -> s.get("tenants").forEach(t -> planned.add(t.asText())));
        assertThat(planned).containsExactlyInAnyOrderElementsOf(DriftDataset.TENANTS);
        assertThat(Json.MAPPER.readTree(object("runs/sample-run/tenants.json")))
                .isEqualTo(Json.MAPPER.valueToTree(List.of("acme", "globex", "initech", "umbrella")));
    }

    /** The whole sequence of sample events: discover, validate the shard, aggregate (with one failed shard). */
    @Test
    void sampleEvents_discoverValidateAggregate_writeAuditLogAndPublishSummary() throws Exception {
        invoke(new DiscoverShardsHandler(env), event("discover-shards-discover.json"));

        JsonNode summary = invoke(new ValidateShardHandler(env), event("validate-shard-item.json"));
        assertThat(summary.get("verdict").asText()).isEqualTo("DRIFT");
        assertThat(summary.get("findings").asInt()).isEqualTo(DATA.expected().size());
        assertThat(summary.get("resultRef").asText()).isEqualTo("runs/sample-run/shards/shard-0.json");

        JsonNode gate = invoke(new AggregateHandler(env), event("aggregate-input.json"));

        assertThat(gate.get("passed").asBoolean()).isFalse();
        assertThat(gate.get("verdict").asText()).isEqualTo("INCOMPLETE");
        assertThat(gate.get("auditLogRef").asText()).isEqualTo("s3://audit/audit/sample-run.json");
        assertThat(gate.get("reason").asText()).startsWith("verdict INCOMPLETE: gate failed: the run is incomplete: part of"
                + " the scope was not checked; drift ratio");
        assertThat(gate.get("regressions").asLong()).isZero();
        byte[] written = object("audit/sample-run.json");
        assertThat(AuditLogSchemaValidator.create().check(new String(written, StandardCharsets.UTF_8), SEEDED_VALUES)).isEmpty();
        AuditLog log = Json.MAPPER.readValue(written, AuditLog.class);
        assertThat(log.version()).isEqualTo(AuditLog.SCHEMA_VERSION);
        assertThat(log.runId()).isEqualTo("sample-run");
        Set<DriftDataset.Expected> found = new HashSet<>();
        for (Finding f : log.findings()) {
            found.add(new DriftDataset.Expected(f.tenant(), f.namespace(), f.key(), f.driftClass()));
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(DATA.expected());
        assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(log.summary().tenantsInScope()).isEqualTo(5);
        assertThat(log.summary().tenantsValidated()).isEqualTo(4);
        assertThat(log.shards()).extracting(s -> s.shardId() + "=" + s.verdict())
                .containsExactly("shard-0=DRIFT", "shard-1=INCOMPLETE");
        assertThat(log.shards().get(1).cause()).isEqualTo("database unreachable after 3 retries");
        assertThat(log.tenants()).filteredOn(t -> t.tenant().equals("stark")).singleElement()
                .satisfies(t -> assertThat(t.verdict()).isEqualTo(Verdict.INCOMPLETE));
        long drifted = DATA.expected().size();
        assertThat(log.summary().driftedKeys()).isEqualTo(drifted);
        assertThat(log.summary().counts().get(DriftClass.UNMAPPED))
                .isEqualTo(DATA.expected().stream().filter(e -> e.driftClass() == DriftClass.UNMAPPED).count());
        assertThat(log.steps()).extracting(s -> s.action() + ":" + s.status()).containsExactly(
                "validate-input:succeeded", "discover-shards:succeeded", "validate-shard:succeeded",
                "validate-shard:failed", "compare-baseline:succeeded", "remediate:succeeded", "aggregate:succeeded",
                "write-report:succeeded", "publish-summary:succeeded");
        // the HTML report next to the audit log, in the same (KMS-encrypted by default) bucket
        var report = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("audit/sample-run.html"));
        assertThat(report.response().contentType()).isEqualTo("text/html;charset=utf-8");
        assertThat(report.asString(StandardCharsets.UTF_8)).contains("<title>cachecheck run sample-run: INCOMPLETE</title>")
                .doesNotContain(SEEDED_VALUES);
        // first run: nothing to compare with, the baseline is saved outside runs/ (which expires)
        assertThat(log.comparison().comparedTo()).isNull();
        assertThat(object("baselines/latest.json")).asString(StandardCharsets.UTF_8).contains("\"runId\" : \"sample-run\"");
        assertThat(object("baselines/sample-run.json")).isNotEmpty();
        // a manual run without remediate: true plans, and only pretends
        assertThat(log.remediation().requested()).isFalse();
        assertThat(log.remediation().report().dryRun()).isTrue();
        assertThat(log.remediation().report().results()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(io.cachecheck.remediate.Outcome.DRY_RUN));
        assertThat(log.summary().remediationRequired()).isEqualTo(log.remediation().plan().actions().size());
        assertThat(gate.get("remediationRequired").asLong()).isEqualTo(log.summary().remediationRequired());

        List<LoggedRequest> published = sns.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(published).hasSize(1);
        Map<String, String> form = form(published.get(0).getBodyAsString());
        assertThat(form).containsEntry("Action", "Publish").containsEntry("TopicArn", TOPIC)
                .containsEntry("Subject", "cachecheck INCOMPLETE (gate failed): run sample-run");
        assertThat(form.get("Message")).contains("Run sample-run (manual): INCOMPLETE", "Tenants validated: 4 of 5",
                "Keys checked: " + log.summary().keysChecked() + ", drifted: " + drifted,
                "Baseline: none to compare with (first run); regressions: 0",
                "Remediation: required for " + log.summary().remediationRequired() + " keys (dry run",
                "Audit log: s3://audit/audit/sample-run.json");
        // the bucket is private: the summary links the report's page in the S3 console (docs/report.md)
        assertThat(form.get("Message")).contains("Report: https://console.aws.amazon.com/s3/object/audit?region=us-east-1"
                + "&bucketType=general&prefix=audit%2Fsample-run.html\n");
    }

    /** The same sequence with key redaction on: no object in the bucket, nor the summary, has a plain key or a value. */
    @Test
    void sampleEvents_withRedaction_writeNoPlainKeyAndNoValueToAnyObject() throws Exception {
        String bucket = "audit-redacted";
        s3.createBucket(b -> b.bucket(bucket));
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.CONTRACT_LOCATION.name(), contractFile.toString());
        settings.put(Settings.AUDIT_BUCKET.name(), bucket);
        settings.put(Settings.S3_ENDPOINT.name(), S3.getUri().toString());
        settings.put(Settings.SUMMARY_TOPIC_ARN.name(), TOPIC);
        settings.put(Settings.SNS_ENDPOINT.name(), sns.baseUrl());
        settings.put(Settings.REGION.name(), "us-east-1");
        WorkflowEnvironment production = WorkflowEnvironment.fromSettings(Settings.of(settings));
        // as CACHECHECK_KEY_HMAC_SECRET_ARN would give it (no Secrets Manager stand-in here)
        KeyRedactor redactor = KeyRedactor.hmac("handlers-it-hmac-key-0123456789ab".getBytes(StandardCharsets.UTF_8));
        WorkflowEnvironment redacting = WorkflowEnvironment.builder().settings(production.settings())
                .store(production.store()).notifier(production.notifier()).contract(production::contract)
                .redactor(redactor).build();

        invoke(new DiscoverShardsHandler(redacting), event("discover-shards-discover.json"));
        invoke(new ValidateShardHandler(redacting), event("validate-shard-item.json"));
        JsonNode gate = invoke(new AggregateHandler(redacting), event("aggregate-input.json"));

        List<String> plainKeys = DATA.expected().stream().map(DriftDataset.Expected::key).toList();
        List<String> keys = s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).toList();
        assertThat(keys).contains("runs/sample-run/shards/shard-0.json", "audit/sample-run.json", "audit/sample-run.html",
                "baselines/sample-run.json");
        for (String key : keys) {
            String text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
            for (String plain : plainKeys) {
                assertThat(text).as(key).doesNotContain(plain).doesNotContain(Json.MAPPER.writeValueAsString(plain));
            }
            assertThat(text).as(key).doesNotContain(SEEDED_VALUES);
        }
        String published = form(sns.findAll(postRequestedFor(urlEqualTo("/"))).get(0).getBodyAsString()).get("Message");
        for (String plain : plainKeys) {
            assertThat(gate.toString()).doesNotContain(plain);
            assertThat(published).doesNotContain(plain);
        }
        StoredShardResult stored = StoredShardResult.fromJson(
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("runs/sample-run/shards/shard-0.json")).asByteArray());
        assertThat(stored.keyScheme()).isEqualTo(redactor.scheme());
        assertThat(stored.sealedKeys().keySet()).containsExactlyInAnyOrderElementsOf(
                stored.result().findings().stream().map(Finding::key).distinct().toList());
        AuditLog log = Json.MAPPER.readValue(s3.getObjectAsBytes(b -> b.bucket(bucket).key("audit/sample-run.json")).asByteArray(),
                AuditLog.class);
        assertThat(log.keyScheme()).isEqualTo(redactor.scheme());
        assertThat(log.findings()).extracting(Finding::key)
                .containsExactlyInAnyOrderElementsOf(plainKeys.stream().map(redactor).toList());
        // the plan was made from the unsealed keys: every drifted key got an action, none failed to unseal
        assertThat(log.remediation().report().results()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(io.cachecheck.remediate.Outcome.DRY_RUN));
    }

    private static Object event(String name) throws IOException {
        try (var in = HandlersIT.class.getClassLoader().getResourceAsStream("events/" + name)) {
            return Json.MAPPER.readTree(in);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
