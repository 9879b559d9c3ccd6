package io.cachecheck.audit;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FormatDiagnosisTest {
    private static Finding corrupt(String ns, int i, String reason) {
        return new Finding("t1", ns, "k:" + i, DriftClass.CORRUPT, reason, List.of(), null, null, "a".repeat(64), null, null, Instant.EPOCH);
    }

    private static List<Finding> findings(String ns, int n, String reason) {
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(corrupt(ns, i, reason.replace("#", String.valueOf(i))));
        }
        return out;
    }

    @Test
    void of_whenMostKeysFailTheSameWay_saysTheFormatIsProbablyWrong() {
        String reason = "not-utf8: looks like Java serialization (stream magic AC ED); declare decode: [java]";
        FormatDiagnosis d = FormatDiagnosis.of("order", 10, findings("order", 6, reason));

        assertThat(d).isNotNull();
        assertThat(d.corruptKeys()).isEqualTo(6);
        assertThat(d.reason()).isEqualTo(reason);
        assertThat(d.message()).startsWith("namespace order: 6 of 10 keys checked are CORRUPT (not-utf8: looks like Java serialization")
                .contains("the contract probably declares the wrong format for this namespace");
    }

    @Test
    void of_countsReasonsThatDifferOnlyByNumbersAsOne() {
        assertThat(FormatDiagnosis.of("m", 4, findings("m", 3, "msgpack: # bytes after the value"))).isNotNull();
    }

    @Test
    void of_whenHalfOrFewerOrTooFewOrTooLarge_saysNothing() {
        assertThat(FormatDiagnosis.of("o", 10, findings("o", 5, "invalid-json"))).isNull();
        assertThat(FormatDiagnosis.of("o", 2, findings("o", 2, "invalid-json"))).isNull();
        assertThat(FormatDiagnosis.of("o", 4, findings("o", 4, "too-large: # bytes > check.maxValueBytes 100"))).isNull();
        List<Finding> mixed = new ArrayList<>(findings("o", 3, "invalid-json"));
        mixed.addAll(findings("o", 3, "not-utf8"));
        assertThat(FormatDiagnosis.of("o", 8, mixed)).isNull();
        assertThat(FormatDiagnosis.of("other", 4, findings("o", 4, "invalid-json"))).isNull();
    }
}
