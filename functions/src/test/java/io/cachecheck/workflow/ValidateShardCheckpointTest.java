package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.check.Checkpoint;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ValidateShard's side of continuations, with the engine replaced: where checkpoints are stored, what the state
 * gets back, how the next invocation finds its checkpoint, and when an invocation may pause. The engine's side
 * (exact results across checkpoints) is tested against real services by {@code ResumableWorkItemIT}.
 */
class ValidateShardCheckpointTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
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
    private static final ShardWorkItem ITEM = new ShardWorkItem("shard-0", List.of("acme"), List.of(), false);
    private static final String NODE = "127.0.0.1:6379";

    @TempDir
    Path dir;

    private WorkflowEnvironment env(KeyRedactor redactor, Map<String, String> settings) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(CONTRACT);
        return WorkflowEnvironment.builder().settings(Settings.of(settings))
                .store(new DirectoryObjectStore(dir)).notifier(new ConsoleNotifier(System.out)).redactor(redactor)
                .contract(() -> contract).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    private static Checkpoint checkpoint(int sequence) {
        Finding finding = new Finding("acme", "order", "t:acme:order:3", DriftClass.STALE, "fields-differ", List.of("status"),
                "a".repeat(64), "b".repeat(64), "c".repeat(64), null, null, NOW);
        Checkpoint.Figures figures = new Checkpoint.Figures(120, 0, 0, 0, 1, List.of(),
                List.of(new Checkpoint.GroupFigures("acme", 0, 118, 1, 0, 0, 0, 0, "0".repeat(64), "1".repeat(64), false)),
                List.of(finding), List.of(), 9_880);
        Checkpoint.PendingKey waiting = new Checkpoint.PendingKey("acme", 0,
                "t:acme:order:7".getBytes(StandardCharsets.UTF_8), List.of("7"), 0);
        Checkpoint.PendingKey suspect = new Checkpoint.PendingKey("acme", 0,
                "t:acme:order:9".getBytes(StandardCharsets.UTF_8), List.of("9"), 0);
        return new Checkpoint("shard-0", sequence, NOW.minusSeconds(60), 50_000, 0,
                List.of(new Checkpoint.ScanPosition(NODE, "12345", "run-id-a", false, 0, 120, 0)), figures,
                List.of(waiting), List.of(new Checkpoint.PendingSuspect(suspect, DriftClass.ORPHAN, new byte[] {1, 2},
                null, false, NOW.minusMillis(100), false)));
    }

    private static ShardResult done() {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        return new ShardResult("shard-0", Verdict.CONSISTENT, NOW, NOW, new ShardResult.Timings(0, 0, 0), 1, 0, counts,
                0, List.of(), List.of(), List.of(), false, List.of());
    }

    @Test
    void validate_whenTheEnginePauses_storesTheCheckpointSealed_returnsItsReference_andTheContinuationReadsItBack() throws Exception {
        KeyRedactor redactor = KeyRedactor.hmac("k3y-for-tests-0123456789-abcdefgh".getBytes(StandardCharsets.UTF_8));
        AtomicReference<ShardValidator.Resume> seen = new AtomicReference<>();
        ValidateShard validateShard = new ValidateShard(env(redactor, Map.of()),
                (ValidateShard.ResumableChecker) (c, item, active, deadline, progress, resume) -> {
                    seen.set(resume);
                    return resume.from() == null ? new ShardValidator.Step(null, checkpoint(1)) : new ShardValidator.Step(done(), null);
                });

        ShardSummary first = validateShard.validate(new ValidateShard.Request("r1", ITEM), 900_000);

        assertThat(seen.get().from()).isNull();
        assertThat(first.checkpoint()).isEqualTo(new CheckpointRef("shard-0", 1));
        assertThat(first.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(first.resultRef()).isEqualTo("runs/r1/checkpoints/shard-0/1.json");
        assertThat(first.keysScanned()).isEqualTo(120);
        assertThat(first.keysChecked()).isEqualTo(119);
        assertThat(first.counts()).containsEntry(DriftClass.STALE, 1L).containsEntry(DriftClass.CONSISTENT, 118L);
        assertThat(first.findings()).isEqualTo(1);
        // redaction on: the real keys of findings, waiting keys and suspects are sealed with the file
        String stored = Files.readString(dir.resolve("runs/r1/checkpoints/shard-0/1.json"));
        assertThat(stored).startsWith("{\"sealed\":").doesNotContain("t:acme").doesNotContain("run-id-a");
        assertThat(Files.exists(dir.resolve("runs/r1/shards/shard-0.json"))).isFalse();

        ShardSummary last = validateShard.validate(new ValidateShard.Request("r1", ITEM, first.checkpoint()), 900_000);

        Checkpoint read = seen.get().from();
        assertThat(read.sequence()).isEqualTo(1);
        assertThat(read.nodes()).containsExactly(new Checkpoint.ScanPosition(NODE, "12345", "run-id-a", false, 0, 120, 0));
        assertThat(read.figures()).isEqualTo(checkpoint(1).figures());
        assertThat(new String(read.buffered().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("t:acme:order:7");
        assertThat(new String(read.suspects().get(0).key().key(), StandardCharsets.UTF_8)).isEqualTo("t:acme:order:9");
        assertThat(read.suspects().get(0).firstCacheDigest()).containsExactly(1, 2);
        assertThat(read.suspects().get(0).observedAt()).isEqualTo(NOW.minusMillis(100));
        assertThat(last.checkpoint()).isNull();
        assertThat(last.resultRef()).isEqualTo("runs/r1/shards/shard-0.json");
    }

    @Test
    void summary_alwaysCarriesTheCheckpointField_becauseTheStateMachineReadsIt() throws Exception {
        JsonNode done = Json.MAPPER.readTree(Json.bytes(new ValidateShard(env(KeyRedactor.disabled(), Map.of()),
                (c, item, active, deadline, progress) -> done()).validate(new ValidateShard.Request("r1", ITEM), 900_000)));

        assertThat(done.has("checkpoint")).isTrue();
        assertThat(done.get("checkpoint").isNull()).isTrue();
        assertThat(Json.MAPPER.treeToValue(done, ShardSummary.class).checkpoint()).isNull();
    }

    @Test
    void validate_whenTheCheckpointReferenceIsNotThisItems_refusesItNamingTheField() {
        ValidateShard validateShard = new ValidateShard(env(KeyRedactor.disabled(), Map.of()),
                (c, item, active, deadline, progress) -> done());

        assertThatThrownBy(() -> validateShard.validate(new ValidateShard.Request("r1", ITEM,
                new CheckpointRef("shard-1", 1)), 900_000)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("checkpoint: {shardId: 'shard-1', sequence: 1} is not a checkpoint of work item 'shard-0'");
        assertThatThrownBy(() -> validateShard.validate(new ValidateShard.Request("r1", ITEM,
                new CheckpointRef("shard-0", 0)), 900_000)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sequence 1 or more");
        assertThatThrownBy(() -> validateShard.validate(new ValidateShard.Request("r1", ITEM,
                new CheckpointRef("shard-0", 4)), 900_000)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("checkpoint: none at ").hasMessageContaining("checkpoints/shard-0/4.json");
    }

    @Test
    void validate_pausesBeforeTheDeadlineByTheReserve_orAtTheBudget_andNotAfterTheLastContinuation() throws Exception {
        AtomicReference<ShardValidator.Resume> seen = new AtomicReference<>();
        AtomicReference<Instant> hard = new AtomicReference<>();
        ValidateShard.ResumableChecker checker = (c, item, active, deadline, progress, resume) -> {
            seen.set(resume);
            hard.set(deadline);
            return new ShardValidator.Step(done(), null);
        };

        new ValidateShard(env(KeyRedactor.disabled(), Map.of()), checker).validate(new ValidateShard.Request("r1", ITEM), 900_000);
        // Lambda's 900 s: deadline 30 s before (margin), scan stops 30 s before that (reserve)
        assertThat(hard.get()).isEqualTo(NOW.plusSeconds(870));
        assertThat(seen.get().pauseAt()).isEqualTo(NOW.plusSeconds(840));

        new ValidateShard(env(KeyRedactor.disabled(), Map.of()), checker).validate(new ValidateShard.Request("r1", ITEM), 70_000);
        // 40 s left before the deadline: the reserve is at most half of it
        assertThat(seen.get().pauseAt()).isEqualTo(NOW.plusSeconds(20));

        new ValidateShard(env(KeyRedactor.disabled(), Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), "2000")), checker)
                .validate(new ValidateShard.Request("r1", ITEM), 900_000);
        assertThat(seen.get().pauseAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(hard.get()).isEqualTo(NOW.plusSeconds(870));

        // checkpoint 2 with at most 2 continuations: this invocation is the last one and must not pause
        Files.createDirectories(dir.resolve("runs/r1/checkpoints/shard-0"));
        Files.write(dir.resolve("runs/r1/checkpoints/shard-0/2.json"), Json.bytes(checkpoint(2)));
        new ValidateShard(env(KeyRedactor.disabled(), Map.of(Settings.MAX_CONTINUATIONS.name(), "2")), checker)
                .validate(new ValidateShard.Request("r1", ITEM, new CheckpointRef("shard-0", 2)), 900_000);
        assertThat(seen.get().from().sequence()).isEqualTo(2);
        assertThat(seen.get().pauseAt()).isNull();

        assertThatThrownBy(() -> new ValidateShard(env(KeyRedactor.disabled(),
                Map.of(Settings.MAX_CONTINUATIONS.name(), "-1")), checker).validate(new ValidateShard.Request("r1", ITEM), 900_000))
                .hasMessageContaining("CACHECHECK_MAX_CONTINUATIONS: -1 is negative");
    }
}
