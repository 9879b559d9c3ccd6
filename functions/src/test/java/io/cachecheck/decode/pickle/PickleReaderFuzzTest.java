package io.cachecheck.decode.pickle;

import io.cachecheck.decode.FormatFixtures;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.ReaderFuzz;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Truncated and mutated python-written pickles: a tree or a pickle reason, never a crash, a hang or unbounded memory. */
class PickleReaderFuzzTest {
    private static final Map<String, byte[]> SEEDS = FormatFixtures.load(PickleReaderTest.DIR);
    /** Raw Django integers: "42" truncated is "4", still an integer. */
    private static final Set<String> RAW = Set.of("django-raw-int", "django-raw-negative", "django-raw-bigint",
            "djredis-raw-int");

    @Test
    void read_everyTruncation_isRefused() {
        ReaderFuzz fuzz = fuzz();
        // 50,000 nodes: the reference bomb's prefixes would otherwise each copy a million nodes before failing
        fuzz.truncations(SEEDS, RAW, new ReadLimits(8 << 20, 64, 50_000));
        ReaderFuzz.Report report = fuzz.report();
        assertThat(report.cases()).isGreaterThan(5_000);
        assertThat(report.reasons()).containsKey("pickle: truncated value");
    }

    @Test
    void read_randomMutationsWithSmallLimits_neverCrashOrHang() {
        ReaderFuzz fuzz = fuzz();
        fuzz.mutations(SEEDS, 20261205L, 400, new ReadLimits(64 << 10, 16, 20_000));
        ReaderFuzz.Report report = fuzz.report();
        System.out.println(getClass().getSimpleName() + " mutations: " + report.summary());
        assertThat(report.cases()).isEqualTo(SEEDS.size() * 400);
        // the mutations reach deep into the parser: many different refusals, and some mutants still decode
        assertThat(report.reasons().size()).isGreaterThanOrEqualTo(15);
        assertThat(report.decoded()).isGreaterThan(100);
    }

    @Test
    void read_randomMutationsWithDefaultLimits_neverCrashOrHang() {
        ReaderFuzz fuzz = fuzz();
        fuzz.mutations(SEEDS, 7L, 40, ReadLimits.ofMaxBytes(8 << 20));
        assertThat(fuzz.report().cases()).isEqualTo(SEEDS.size() * 40);
    }

    private static ReaderFuzz fuzz() {
        return new ReaderFuzz(new PickleReader(), "pickle: ", PickleReader.INTERNAL_ERROR);
    }
}
