package io.cachecheck.sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DriftEstimateTest {

    @Test
    void wilson_matchesPublishedValues() {
        // 0 of 100: upper bound z²/(n+z²) = 3.8415/103.8415
        DriftEstimate none = DriftEstimate.wilson(0, 100);
        assertThat(none.low()).isEqualTo(0);
        assertThat(none.high()).isCloseTo(0.036994, within(1e-6));
        // 10 of 100: Wilson 95% interval [0.05523, 0.17437] (Newcombe 1998, method 3)
        DriftEstimate ten = DriftEstimate.wilson(10, 100);
        assertThat(ten.ratio()).isEqualTo(0.1);
        assertThat(ten.low()).isCloseTo(0.055229, within(1e-5));
        assertThat(ten.high()).isCloseTo(0.174366, within(1e-5));
        // all drifted: the upper bound is 1
        assertThat(DriftEstimate.wilson(5, 5).high()).isEqualTo(1);
        // nothing checked says nothing
        DriftEstimate empty = DriftEstimate.wilson(0, 0);
        assertThat(empty.low()).isEqualTo(0);
        assertThat(empty.high()).isEqualTo(1);
    }

    /**
     * Over many seeded keyspaces (real key bytes, drift placed at random) and several true drift ratios, the 95%
     * interval computed from the key-hash sample holds the keyspace's true ratio about 95% of the time. The seeds
     * are fixed, so the test is deterministic; the band is what 95% coverage looks like over this many trials.
     */
    @Test
    void wilsonInterval_overSeededKeyspaces_coversTheTrueRatioAbout95PercentOfTheTime() {
        double[] ratios = {0.005, 0.02, 0.05, 0.2};
        int keys = 8_000;
        int trialsPerRatio = 250;
        KeySample sample = new KeySample(0.125); // about 1,000 keys per trial
        KeySample.Tester tester = sample.tester();
        int covered = 0;
        int trials = 0;
        List<String> perRatio = new ArrayList<>();
        for (double ratio : ratios) {
            int coveredHere = 0;
            for (int t = 0; t < trialsPerRatio; t++) {
                Random random = new Random(1_000_003L * t + Double.hashCode(ratio));
                int drifted = (int) Math.round(ratio * keys);
                boolean[] drift = new boolean[keys];
                for (int placed = 0; placed < drifted; ) {
                    int i = random.nextInt(keys);
                    if (!drift[i]) {
                        drift[i] = true;
                        placed++;
                    }
                }
                String prefix = "shop:t" + random.nextInt(1_000_000) + ":order:";
                long n = 0, x = 0;
                for (int i = 0; i < keys; i++) {
                    if (tester.includes((prefix + i).getBytes(StandardCharsets.UTF_8))) {
                        n++;
                        x += drift[i] ? 1 : 0;
                    }
                }
                if (DriftEstimate.wilson(x, n).covers((double) drifted / keys)) {
                    coveredHere++;
                }
            }
            perRatio.add(ratio + ": " + coveredHere + "/" + trialsPerRatio);
            assertThat(coveredHere).as("coverage at ratio %s", ratio).isBetween((int) (0.90 * trialsPerRatio), (int) (0.995 * trialsPerRatio));
            covered += coveredHere;
            trials += trialsPerRatio;
        }
        System.out.println("Wilson coverage " + covered + "/" + trials + " " + perRatio);
        assertThat((double) covered / trials).as("overall coverage %s", perRatio).isBetween(0.92, 0.98);
    }

    @Test
    void keySample_isTheDocumentedHash_andNested() {
        byte[] key = "shop:t1:order:42".getBytes(StandardCharsets.UTF_8);
        // sha256("shop:t1:order:42") starts with these 8 bytes (python3 -c "import hashlib;print(hashlib.sha256(b'shop:t1:order:42').hexdigest()[:16])")
        assertThat(Long.toUnsignedString(KeySample.point(key), 16)).isEqualTo(SHA256_PREFIX_OF_KEY);
        int inSmall = 0, inLarge = 0;
        KeySample.Tester small = new KeySample(0.01).tester();
        KeySample.Tester large = new KeySample(0.1).tester();
        for (int i = 0; i < 100_000; i++) {
            byte[] k = ("k:" + i).getBytes(StandardCharsets.UTF_8);
            boolean s = small.includes(k);
            boolean l = large.includes(k);
            if (s) {
                assertThat(l).as("a 1% sample is part of the 10% sample").isTrue();
                inSmall++;
            }
            inLarge += l ? 1 : 0;
        }
        assertThat(inSmall).isBetween(900, 1100);
        assertThat(inLarge).isBetween(9_700, 10_300);
        assertThat(new KeySample(1).tester().includes(key)).isTrue();
    }

    static final String SHA256_PREFIX_OF_KEY = "76daf492ae92be75";
}
