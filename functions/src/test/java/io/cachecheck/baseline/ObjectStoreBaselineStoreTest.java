package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.store.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectStoreBaselineStoreTest {
    @TempDir
    java.nio.file.Path storeDir;

    private static Baseline baseline(String runId, Instant at) {
        return new Baseline(1, runId, at, "plain",
                List.of(new NamespaceFigures("t1", "orders", 10, 8, 1, 1, 0, 0, 0.8, "a".repeat(64), "b".repeat(64), true)),
                List.of(new DriftedKey("t1", "orders", "t:t1:order:\\x00", DriftClass.STALE, at.minusSeconds(86_400), "run-0"),
                        new DriftedKey(null, null, "stray", DriftClass.UNMAPPED, at, runId)));
    }

    @Test
    void save_thenLoadLatestAndNamed_roundTripsEveryField() {
        BaselineStore store = ObjectStoreBaselineStore.create(new io.cachecheck.store.DirectoryObjectStore(storeDir));
        Baseline first = baseline("run-1", Instant.parse("2026-03-01T10:00:00.123456Z"));
        Baseline second = baseline("run-2", Instant.parse("2026-03-02T10:00:00Z"));
        store.save(first);
        store.save(second);

        assertThat(store.load(BaselineSelection.latest())).contains(second);
        assertThat(store.load(BaselineSelection.parse("run-1"))).contains(first);
        assertThat(store.load(BaselineSelection.none())).isEmpty();
    }

    @Test
    void save_writesRunDocumentAndLatestPointer() {
        ObjectStore objects = new io.cachecheck.store.DirectoryObjectStore(storeDir);
        ObjectStoreBaselineStore.create(objects).save(baseline("run-7", Instant.parse("2026-03-01T10:00:00Z")));

        assertThat(new String(objects.get("baselines/latest.json").orElseThrow(), StandardCharsets.UTF_8)).contains("\"runId\" : \"run-7\"");
        assertThat(new String(objects.get("baselines/run-7.json").orElseThrow(), StandardCharsets.UTF_8))
                .contains("\"version\" : 1").contains("\"firstSeen\" : \"2026-02-28T10:00:00Z\"");
    }

    @Test
    void load_latest_whenNothingSaved_isEmpty() {
        assertThat(ObjectStoreBaselineStore.create(new io.cachecheck.store.DirectoryObjectStore(storeDir)).load(BaselineSelection.parse(null))).isEmpty();
    }

    @Test
    void load_namedRun_whenMissing_namesIt() {
        BaselineStore store = ObjectStoreBaselineStore.create(new io.cachecheck.store.DirectoryObjectStore(storeDir));
        assertThatThrownBy(() -> store.load(BaselineSelection.run("run-9")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no baseline for run run-9");
    }

    @Test
    void parse_whenRunIdUnsafe_rejectsIt() {
        assertThatThrownBy(() -> BaselineSelection.parse("../etc/passwd"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("neither latest, none nor a run id");
    }

    @Test
    void read_whenVersionIsNewer_explainsHowToProceed() {
        byte[] future = "{\"version\": 2, \"runId\": \"r\", \"createdAt\": \"2026-03-01T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BaselineCodec.read(future))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("format version 2 is not supported");
    }

    @Test
    void directoryStore_roundTripsAndStaysInsideItsDirectory(@TempDir Path dir) {
        BaselineStore store = ObjectStoreBaselineStore.create(new DirectoryObjectStore(dir));
        Baseline b = baseline("run-1", Instant.parse("2026-03-01T10:00:00Z"));
        store.save(b);

        assertThat(Files.exists(dir.resolve("baselines/run-1.json"))).isTrue();
        assertThat(store.load(BaselineSelection.latest())).contains(b);
        assertThatThrownBy(() -> new DirectoryObjectStore(dir).get("../outside.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves the store directory");
    }

    @Test
    void recent_readsTheMostRecentlySaved_upToTheRunsEnd_oldestFirst_andCountsUnreadableOnes() throws Exception {
        ObjectStore objects = new DirectoryObjectStore(storeDir);
        ObjectStoreBaselineStore store = ObjectStoreBaselineStore.create(objects);
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        // 15 runs an hour apart, saved (file times) as their runs finished; the ids sort otherwise than the times
        for (int i = 0; i < 15; i++) {
            Instant at = t0.plusSeconds(3600L * i);
            String runId = "run-" + (char) ('z' - i);
            store.save(baseline(runId, at));
            Files.setLastModifiedTime(storeDir.resolve("baselines/" + runId + ".json"),
                    java.nio.file.attribute.FileTime.from(at.plusSeconds(30)));
        }
        objects.put("baselines/broken.json", "not json".getBytes(StandardCharsets.UTF_8), "application/json");
        Files.setLastModifiedTime(storeDir.resolve("baselines/broken.json"),
                java.nio.file.attribute.FileTime.from(t0.plusSeconds(3600L * 9 + 60)));

        // as of run 10's end (10:00:40): runs 0..10 were saved; the 5 most recently written are runs 10, 9, the broken
        // document, 8 and 7 (run-p, run-q, broken, run-r, run-s); runs 11..14 were written after the run's end
        RecentBaselines recent = store.recent(5, t0.plusSeconds(3600L * 10 + 40), java.util.Set.of("t1"));

        assertThat(recent.baselines()).extracting(BaselineScores::runId).containsExactly("run-s", "run-r", "run-q", "run-p");
        assertThat(recent.baselines()).extracting(BaselineScores::createdAt).isSorted();
        // the figures of baseline(): t1/orders, 10 checked, stale 1 + orphan 1
        assertThat(recent.baselines()).allSatisfy(b -> {
            assertThat(b.keysChecked()).isEqualTo(10);
            assertThat(b.drifted()).isEqualTo(2);
            assertThat(b.tenants()).isEqualTo(java.util.Map.of("t1", new BaselineScores.Figures(10, 2)));
        });
        assertThat(recent.unreadable()).isEqualTo(1);
        assertThat(recent.listed()).isEqualTo(16);
        assertThat(recent.listingCapped()).isFalse();
        assertThat(recent.skippedForSize()).isZero();
    }

    @Test
    void baselineScores_readByStreaming_equalTheFiguresOfTheFullReader() {
        Baseline b = new Baseline(1, "run-9", Instant.parse("2026-03-01T10:00:00Z"), "plain", List.of(
                new NamespaceFigures("t1", "orders", 10, 7, 1, 1, 1, 0, 0.7, "a".repeat(64), "b".repeat(64), true),
                new NamespaceFigures("t1", "carts", 5, 5, 0, 0, 0, 0, 1.0, "a".repeat(64), "b".repeat(64), true),
                new NamespaceFigures("t2", "orders", 20, 18, 2, 0, 0, 3, 0.9, "a".repeat(64), "b".repeat(64), false)),
                List.of(new DriftedKey("t1", "orders", "k", DriftClass.STALE, Instant.parse("2026-02-01T00:00:00Z"), "run-1")));
        byte[] json = BaselineCodec.write(b);

        BaselineScores scores = BaselineScores.read(json, java.util.Set.of("t1"));

        assertThat(scores.runId()).isEqualTo("run-9");
        assertThat(scores.createdAt()).isEqualTo(b.createdAt());
        assertThat(scores.keysChecked()).isEqualTo(BaselineCodec.read(json).namespaces().stream().mapToLong(NamespaceFigures::keysChecked).sum())
                .isEqualTo(35);
        assertThat(scores.drifted()).isEqualTo(5);
        assertThat(scores.tenants()).isEqualTo(java.util.Map.of("t1", new BaselineScores.Figures(15, 3)));
        assertThatThrownBy(() -> BaselineScores.read("{\"version\":99,\"runId\":\"x\"}".getBytes(StandardCharsets.UTF_8), java.util.Set.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("format version 99");
    }

    @Test
    void recent_onAStoreThatCannotList_isEmpty() {
        ObjectStore unlisted = new ObjectStore() {
            @Override
            public void put(String key, byte[] content, String contentType) {
            }

            @Override
            public java.util.Optional<byte[]> get(String key) {
                return java.util.Optional.empty();
            }

            @Override
            public String location(String key) {
                return key;
            }
        };
        RecentBaselines recent = ObjectStoreBaselineStore.create(unlisted).recent(12, Instant.now(), java.util.Set.of());
        assertThat(recent.baselines()).isEmpty();
        assertThat(recent.listed()).isZero();
    }
}
