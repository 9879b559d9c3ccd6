package io.cachecheck.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RangeReadsTest {
    @Test
    void canonicalLong_acceptsOnlyWhatLongToStringWrites() {
        assertThat(RangeReads.canonicalLong("0")).isZero();
        assertThat(RangeReads.canonicalLong("42")).isEqualTo(42L);
        assertThat(RangeReads.canonicalLong("-7")).isEqualTo(-7L);
        assertThat(RangeReads.canonicalLong("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(RangeReads.canonicalLong("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        for (String text : new String[] {"", "-", "-0", "042", "+1", "1.0", "1e3", " 1", "9223372036854775808", "abc", "١٢"}) {
            assertThat(RangeReads.canonicalLong(text)).as(text).isNull();
        }
    }
}
