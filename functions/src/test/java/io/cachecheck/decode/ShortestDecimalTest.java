package io.cachecheck.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ShortestDecimal against Python's repr() of the same doubles (float-repr.txt, written by gen_float_repr.py). */
class ShortestDecimalTest {
    @Test
    void of_everyDoubleInTheFixture_equalsPythonRepr() throws Exception {
        assertThat(mismatches(Files.readAllLines(FormatFixtures.ROOT.resolve("float-repr.txt")))).isEmpty();
    }

    @Test
    void of_doublesWrittenByPythonNow_equalPythonRepr(@TempDir Path out) throws Exception {
        assumeTrue(FormatFixtures.runs("python3", "-c", "import math; math.nextafter"), "python3 (3.9+) is not installed");
        Path file = out.resolve("float-repr.txt");
        assertThat(FormatFixtures.runs("python3", FormatFixtures.ROOT.resolve("gen_float_repr.py").toString(),
                file.toString())).isTrue();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSizeGreaterThan(2500);
        assertThat(mismatches(lines)).isEmpty();
    }

    @Test
    void of_keepsNoNegativeScaleAndRefusesNonFinite() {
        assertThat(ShortestDecimal.of(100.0)).isEqualTo(new BigDecimal("100"));
        assertThat(ShortestDecimal.of(1e25).toPlainString()).isEqualTo("10000000000000000000000000");
        assertThat(ShortestDecimal.of(-0.0)).isEqualTo(BigDecimal.ZERO);
        assertThatThrownBy(() -> ShortestDecimal.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShortestDecimal.of(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Lines "bits repr" whose double does not give the same digits as Python's repr. */
    private static List<String> mismatches(List<String> lines) {
        return lines.stream().filter(line -> {
            String[] parts = line.split(" ");
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
            BigDecimal python = new BigDecimal(parts[1]);
            BigDecimal ours = ShortestDecimal.of(d);
            // same number and the same significant digits (Python writes 1e+25 where we keep scale 0)
            return ours.compareTo(python) != 0 || (python.signum() != 0
                    && ours.stripTrailingZeros().precision() != python.stripTrailingZeros().precision());
        }).toList();
    }
}
