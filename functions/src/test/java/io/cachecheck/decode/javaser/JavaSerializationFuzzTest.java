package io.cachecheck.decode.javaser;

import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile variants of real values: every truncation, and seeded random mutations. The reader may succeed or throw
 * UndecodableException; anything else (a RuntimeException, StackOverflowError, OutOfMemoryError) or a slow case
 * fails the test, with the seed and case to reproduce it.
 */
class JavaSerializationFuzzTest {
    /** Small limits, so that a mutation that inflates a count or a length meets them quickly. */
    private static final ReadLimits SMALL = new ReadLimits(64 * 1024, 16, 20_000);
    private static final long SEED = 20261204L;
    private static final int MUTATIONS_PER_SAMPLE = 4_000;
    /** Far above the microseconds a value takes; a case this slow would be a loop that does not consume input. */
    private static final long MAX_NANOS_PER_CASE = 2_000_000_000L;

    private final JavaSerializationReader reader = new JavaSerializationReader();

    enum Kind { A, B }

    record Entity(long id, String name, BigDecimal amount, Instant at, List<Object> items, Map<String, Object> extra,
                  Kind kind, int[] codes, Entity parent) implements java.io.Serializable { }

    static List<byte[]> samples() {
        Map<String, Object> extra = new HashMap<>();
        extra.put("date", LocalDate.of(2025, 3, 31));
        extra.put("time", LocalTime.of(10, 30, 15, 5));
        extra.put("ldt", LocalDateTime.of(2025, 3, 31, 10, 0));
        extra.put("odt", OffsetDateTime.of(2025, 3, 31, 10, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(1, 0, 30)));
        extra.put("zdt", ZonedDateTime.of(2025, 3, 31, 10, 0, 0, 0, ZoneId.of("Europe/Paris")));
        extra.put("duration", Duration.ofSeconds(5, 7));
        extra.put("legacy", new Date(1_743_392_056_100L));
        extra.put("big", new BigInteger("-98765432109876543210"));
        extra.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        EnumMap<Kind, Set<String>> byKind = new EnumMap<>(Kind.class);
        byKind.put(Kind.A, new LinkedHashSet<>(List.of("x", "y")));
        Entity parent = new Entity(1, "parent", new BigDecimal("0.01"), Instant.EPOCH, List.of(), Map.of(), Kind.A,
                new int[] {1}, null);
        Entity entity = new Entity(2, "Grüße 😀", new BigDecimal("12.50"), Instant.parse("2025-03-31T03:34:16.1Z"),
                new ArrayList<>(List.of(1, 2L, "three", new LinkedList<>(List.of(4.5, 6f)), byKind, parent)), extra, Kind.B,
                new int[] {7, 8, 9}, parent);
        return List.of(Serialized.of(entity), Serialized.of(new TreeMap<>(Map.of("a", List.of(1, 2), "b", Set.of("c")))),
                Serialized.of(new Object[] {"x", new long[] {1, 2}, new String[] {"y"}, null}),
                Serialized.of(List.of(Map.of(1, "one"), Arrays.asList("p", "q"))));
    }

    @Test
    void truncatedAtEveryOffset_isUndecodable() {
        for (byte[] sample : samples()) {
            for (int length = 0; length < sample.length; length++) {
                byte[] cut = Arrays.copyOf(sample, length);
                // a strict prefix never holds the whole object
                assertThatThrownBy(() -> reader.read(cut, SMALL)).as("cut at %d of %d", length, sample.length)
                        .isInstanceOfSatisfying(UndecodableException.class, e -> assertDocumented(e.reason()));
            }
        }
    }

    @Test
    void mutatedBytes_areReadOrUndecodable_neverAnotherFailure() {
        Random random = new Random(SEED);
        List<byte[]> samples = samples();
        int cases = 0;
        int decoded = 0;
        for (int s = 0; s < samples.size(); s++) {
            byte[] sample = samples.get(s);
            for (int m = 0; m < MUTATIONS_PER_SAMPLE; m++) {
                byte[] mutated = mutate(sample, random);
                long start = System.nanoTime();
                try {
                    reader.read(mutated, SMALL);
                    decoded++;
                } catch (UndecodableException expected) {
                    assertDocumented(expected.reason());
                } catch (Throwable t) { // StackOverflowError and OutOfMemoryError included: the point of the test
                    fail("sample " + s + " mutation " + m + " (seed " + SEED + ") threw " + t, t);
                }
                long nanos = System.nanoTime() - start;
                if (nanos > MAX_NANOS_PER_CASE) {
                    fail("sample " + s + " mutation " + m + " (seed " + SEED + ") took " + nanos / 1_000_000 + " ms");
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(samples.size() * MUTATIONS_PER_SAMPLE);
        assertThat(decoded).as("some mutations (of a string's letters, a number's digits) still decode").isPositive();
    }

    @Test
    void randomBytesAfterTheHeader_areUndecodable_neverAnotherFailure() {
        Random random = new Random(SEED + 1);
        for (int c = 0; c < 5_000; c++) {
            byte[] bytes = new byte[4 + random.nextInt(200)];
            random.nextBytes(bytes);
            bytes[0] = (byte) 0xAC;
            bytes[1] = (byte) 0xED;
            bytes[2] = 0;
            bytes[3] = 5;
            if (bytes.length > 4) {
                bytes[4] = (byte) (0x70 + random.nextInt(15)); // a type code, so that parsing gets going
            }
            try {
                reader.read(bytes, SMALL);
            } catch (UndecodableException expected) {
                assertDocumented(expected.reason());
            } catch (Throwable t) {
                fail("random case " + c + " (seed " + (SEED + 1) + ") threw " + t, t);
            }
        }
    }

    /** Every reason is one line of the table in docs/formats-java-serialization.md ("What it cannot read"). */
    static void assertDocumented(String reason) {
        assertThat(reason).hasSizeLessThan(300).doesNotContain("\n", "\r")
                .matches(r -> DOCUMENTED.stream().anyMatch(p -> p.matcher(r).matches()), "a documented reason");
    }

    /** A class or field name, or what replaces one that is not a plausible Java name. */
    private static final String NAME = "(\\S+|\\(unprintable name\\))";
    private static final List<java.util.regex.Pattern> DOCUMENTED = Stream.of(
            "java-serialization: custom writeObject data in " + NAME,
            "java-serialization: Externalizable class " + NAME,
            "java-serialization: dynamic proxy class \\(.*\\)",
            "java-serialization: cyclic reference to " + NAME,
            "java-serialization: subclass " + NAME + " of " + NAME + " adds fields or data",
            "java-serialization: field " + NAME + " declared twice in the hierarchy of " + NAME,
            "java-serialization: unexpected data in " + NAME,
            "java-serialization: java\\.math\\.BigInteger larger than \\d+ bytes",
            "java-serialization: java\\.math\\.BigDecimal with a scale beyond \\d+",
            "java-serialization: invalid java\\.time value",
            "java-serialization: invalid modified UTF-8",
            "java-serialization: (nested|class hierarchy) deeper than \\d+ \\(maxDepth\\)",
            "java-serialization: more than \\d+ nodes \\(maxNodes\\)",
            "too-large: \\d+ bytes > check\\.maxValueBytes \\d+",
            "java-serialization: truncated",
            "java-serialization: malformed stream \\(.+\\)",
            "java-serialization: the writer failed while writing the object \\(TC_EXCEPTION\\)",
            "java-serialization: not a Java serialisation stream \\(it does not start with 0xACED0005\\)")
            .map(java.util.regex.Pattern::compile).toList();

    /** One to three changes: a random byte, a type code or a boundary value, an inserted or a deleted byte. */
    private static byte[] mutate(byte[] sample, Random random) {
        byte[] bytes = sample.clone();
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = 4 + random.nextInt(bytes.length - 4); // keep the header, so that the parser gets past it
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] = (byte) (0x70 + random.nextInt(15));
                case 2 -> bytes[at] = new byte[] {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff}[random.nextInt(5)];
                case 3 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    if (bytes.length > 5) {
                        byte[] shorter = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                        bytes = shorter;
                    }
                }
            }
        }
        return bytes;
    }
}
