package io.cachecheck.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.error.ContractException;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.StoredShardResult;
import io.cachecheck.workflow.ValidateShard;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ValidateShard without services: a synthetic engine result, to check what goes to the state and to the store. */
class ValidateShardHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final String CONTRACT = """
            version: 1
            cache: {url: "redis://127.0.0.1:6379/5"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
            tenants: {sql: "SELECT tenant_id FROM t", shardCount: 1}
            namespaces:
              - name: order
                keyPattern: "t:{tenant_id}:order:{order_id}"
                valueType: json
                sql: "SELECT order_id, status FROM o WHERE tenant_id = :tenant_id AND order_id IN (:order_id)"
                fields: {status: status}
            """;

    @TempDir
    Path dir;

    private static ShardResult result(int findings) {
        List<Finding> list = new ArrayList<>(findings);
        for (int i = 0; i < findings; i++) {
            list.add(new Finding("acme", "order", "t:acme:order:" + i, DriftClass.STALE, "fields-differ", List.of("status"),
                    "a".repeat(64), "b".repeat(64), "c".repeat(64), null, null, NOW));
        }
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        counts.put(DriftClass.STALE, (long) findings);
        return new ShardResult("shard-0", Verdict.DRIFT, NOW, NOW.plusSeconds(5), new ShardResult.Timings(5000, 4000, 0),
                findings, 0, counts, 0, List.of(), List.of(), list, false, List.of());
    }

    private WorkflowEnvironment env() {
        return env(KeyRedactor.disabled());
    }

    private WorkflowEnvironment env(KeyRedactor redactor) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(CONTRACT);
        return WorkflowEnvironment.builder().settings(Settings.of(Map.of()))
                .store(new DirectoryObjectStore(dir)).notifier(new ConsoleNotifier(System.out)).redactor(redactor)
                .contract(() -> contract).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    @Test
    void validate_whenRedactionOn_storesOnlyRedactedKeys_andTheRealFindingKeysSealed() throws Exception {
        KeyRedactor redactor = KeyRedactor.hmac("k3y-for-tests-0123456789-abcdefgh".getBytes(StandardCharsets.UTF_8));
        ShardResult r = result(3);
        ShardResult withSample = new ShardResult(r.shardId(), r.verdict(), r.startedAt(), r.finishedAt(), r.timings(),
                r.keysScanned(), r.keysIgnored(), r.counts(), r.expired(), List.of("t:umbrella:order:1"), r.results(),
                r.findings(), r.findingsTruncated(), r.skipped());
        new ValidateShard(env(redactor), (c, item, active, deadline, progress) -> withSample).validate(
                new ValidateShard.Request("r1", new io.cachecheck.check.ShardWorkItem("shard-0", List.of("acme"), List.of(), false)),
                900_000);

        Path file = dir.resolve("runs/r1/shards/shard-0.json");
        assertThat(Files.readString(file)).doesNotContain("t:acme").doesNotContain("t:umbrella").contains(redactor.scheme());
        StoredShardResult stored = StoredShardResult.fromJson(Files.readAllBytes(file));
        assertThat(stored.keyScheme()).isEqualTo(redactor.scheme());
        assertThat(stored.result().findings()).extracting(Finding::key)
                .containsExactly(redactor.apply("t:acme:order:0"), redactor.apply("t:acme:order:1"), redactor.apply("t:acme:order:2"));
        assertThat(stored.result().unmappedSample()).containsExactly(redactor.apply("t:umbrella:order:1"));
        // unmapped samples are never remediated, so only the findings' keys are sealed
        assertThat(stored.sealedKeys()).hasSize(3);

        StoredShardResult.Opened opened = stored.open(redactor, file.toString());
        assertThat(opened.result().findings()).isEqualTo(stored.result().findings());
        assertThat(opened.realKeys()).containsExactlyInAnyOrderEntriesOf(Map.of(
                redactor.apply("t:acme:order:0"), "t:acme:order:0",
                redactor.apply("t:acme:order:1"), "t:acme:order:1",
                redactor.apply("t:acme:order:2"), "t:acme:order:2"));

        Map<String, String> tampered = new java.util.HashMap<>(stored.sealedKeys());
        String victim = redactor.apply("t:acme:order:1");
        tampered.put(victim, tampered.get(redactor.apply("t:acme:order:2")));   // another key's (valid) seal
        assertThat(new StoredShardResult(stored.result(), stored.keyScheme(), tampered).open(redactor, "x").realKeys())
                .doesNotContainKey(victim).hasSize(2);
        KeyRedactor rotated = KeyRedactor.hmac("another-key-for-tests-0123456789".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> stored.open(rotated, "s3://b/runs/r1/shards/shard-0.json"))
                .isInstanceOf(ContractException.class).hasMessageContaining("the HMAC secret changed during the run");
    }

    @Test
    void validate_whenRedactionOff_storesThePlainShardResult() throws Exception {
        new ValidateShard(env(), (c, item, active, deadline, progress) -> result(2)).validate(
                new ValidateShard.Request("r1", new io.cachecheck.check.ShardWorkItem("shard-0", List.of("acme"), List.of(), false)),
                900_000);

        // strictly the ShardResult shape (the mapper rejects unknown fields such as keyScheme)
        ShardResult stored = Json.MAPPER.readValue(Files.readAllBytes(dir.resolve("runs/r1/shards/shard-0.json")), ShardResult.class);
        assertThat(stored.findings()).extracting(Finding::key).containsExactly("t:acme:order:0", "t:acme:order:1");
    }

    @Test
    void handleRequest_whenShardHas100000Findings_returnsSmallSummaryAndStoresAll() throws Exception {
        ValidateShard validateShard = new ValidateShard(env(), (c, item, active, deadline, progress) -> result(100_000));
        ValidateShardHandler handler = new ValidateShardHandler(validateShard);
        byte[] event = "{\"runId\":\"r1\",\"item\":{\"shardId\":\"shard-0\",\"tenants\":[\"acme\"],\"nodes\":[],\"reportUnmapped\":false}}"
                .getBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(event), out, new TestContext(900_000));

        // The Step Functions state limit is 256 KiB; the summary must not grow with the findings.
        assertThat(out.size()).isLessThan(1024);
        JsonNode summary = Json.MAPPER.readTree(out.toByteArray());
        assertThat(summary.get("shardId").asText()).isEqualTo("shard-0");
        assertThat(summary.get("verdict").asText()).isEqualTo("DRIFT");
        assertThat(summary.get("findings").asLong()).isEqualTo(100_000);
        assertThat(summary.get("counts").get("STALE").asLong()).isEqualTo(100_000);
        assertThat(summary.get("resultRef").asText()).isEqualTo("runs/r1/shards/shard-0.json");
        ShardResult stored = Json.MAPPER.readValue(Files.readAllBytes(dir.resolve("runs/r1/shards/shard-0.json")), ShardResult.class);
        assertThat(stored.findings()).hasSize(100_000);
        assertThat(stored.findings().get(99_999).key()).isEqualTo("t:acme:order:99999");
    }

    @Test
    void validate_stopsTheSafetyMarginBeforeTheLambdaTimeout() {
        AtomicReference<Instant> deadline = new AtomicReference<>();
        ValidateShard validateShard = new ValidateShard(env(), (c, item, active, d, progress) -> {
            deadline.set(d);
            return result(0);
        });

        validateShard.validate(new ValidateShard.Request("r1",
                new io.cachecheck.check.ShardWorkItem("shard-0", List.of("acme"), List.of(), false)), 120_000);

        assertThat(deadline.get()).isEqualTo(NOW.plusSeconds(90));
    }
}
