package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster shard is split into one work item per node, so one tenant/namespace arrives in several shard results.
 * The snapshot must merge them; otherwise the last part decides whether the tenant/namespace was complete.
 */
class RunSnapshotMergeTest {
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-02T10:00:00Z");

    private static ShardResult node(String shardId, Verdict verdict, List<TenantNamespaceResult> results,
                                    List<Finding> findings, List<Skipped> skipped) {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        return new ShardResult(shardId, verdict, T2, T2, new ShardResult.Timings(1, 1, 0), 0, 0, counts, 0, List.of(),
                results, findings, false, skipped);
    }

    private static TenantNamespaceResult part(long checked, long stale, boolean complete, String digest) {
        return new TenantNamespaceResult("acme", "user", checked, checked - stale, stale, 0, 0, 0, 0,
                checked == 0 ? 1.0 : 1.0 - (double) stale / checked, digest, digest, complete);
    }

    @Test
    void of_mergesTheNodePartsOfATenantNamespace_countsDigestsAndCompleteness() {
        String one = "0".repeat(63) + "1";
        String two = "0".repeat(63) + "2";
        RunSnapshot run = RunSnapshot.of("run-2", T2, List.of(
                node("shard-0.node-0", Verdict.DRIFT, List.of(part(3, 1, true, one)), List.of(), List.of()),
                node("shard-0.node-1", Verdict.INCOMPLETE, List.of(part(0, 0, false, null)), List.of(),
                        List.of(new Skipped("acme", null, "10.0.0.2:6379", 0, "cache-unavailable"))),
                node("shard-0.node-2", Verdict.CONSISTENT, List.of(part(1, 0, true, two)), List.of(), List.of())));

        assertThat(run.results()).singleElement().satisfies(r -> {
            assertThat(r.keysChecked()).isEqualTo(4);
            assertThat(r.stale()).isEqualTo(1);
            assertThat(r.score()).isEqualTo(0.75);
            assertThat(r.complete()).isFalse();
            assertThat(r.cacheDigest()).isEqualTo("0".repeat(63) + "3");
        });
        assertThat(run.complete()).isFalse();
    }

    @Test
    void aDriftedKeyOnANodeThatCouldNotBeScanned_staysUnverified_withItsFirstSeen() {
        Finding corrupt = new Finding("acme", "user", "shop:acme:user:11", DriftClass.CORRUPT, "wrong-type: expected hash",
                List.of(), "a".repeat(64), null, "c".repeat(64), null, null, T1);
        RunSnapshot first = RunSnapshot.of("run-1", T1, List.of(
                node("shard-0.node-0", Verdict.CONSISTENT, List.of(part(1, 0, true, null)), List.of(), List.of()),
                node("shard-0.node-1", Verdict.DRIFT, List.of(new TenantNamespaceResult("acme", "user", 1, 0, 0, 0, 1, 0,
                        0, 0.0, null, null, true)), List.of(corrupt), List.of()),
                node("shard-0.node-2", Verdict.CONSISTENT, List.of(part(0, 0, true, null)), List.of(), List.of())));
        Baseline baseline = BaselineComparator.compare(null, first, 0.01).baseline();
        // the node holding the key is down in the second run; the node listed last was fine
        RunSnapshot second = RunSnapshot.of("run-2", T2, List.of(
                node("shard-0.node-0", Verdict.CONSISTENT, List.of(part(1, 0, true, null)), List.of(), List.of()),
                node("shard-0.node-1", Verdict.INCOMPLETE, List.of(part(0, 0, false, null)), List.of(),
                        List.of(new Skipped("acme", null, "10.0.0.2:6379", 0, "cache-unavailable"))),
                node("shard-0.node-2", Verdict.CONSISTENT, List.of(part(0, 0, true, null)), List.of(), List.of())));

        Comparison c = BaselineComparator.compare(baseline, second, 0.01);

        assertThat(baseline.namespaces()).hasSize(1);
        assertThat(c.resolved()).isEmpty();
        assertThat(c.unverified()).singleElement().satisfies(k -> {
            assertThat(k.key()).isEqualTo("shop:acme:user:11");
            assertThat(k.firstSeen()).isEqualTo(T1);
        });
        assertThat(c.baseline().drifted()).extracting(DriftedKey::key).containsExactly("shop:acme:user:11");
        assertThat(c.baseline().namespaces()).hasSize(1);
    }
}
