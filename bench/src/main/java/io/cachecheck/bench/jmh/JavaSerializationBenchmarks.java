package io.cachecheck.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import io.cachecheck.decode.javaser.JavaSerializationReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Cost of reading one Java-serialised cache value (a typical entity, as Spring Boot's default cache writes it) into
 * the neutral tree, next to the two reference points: Java deserialisation of the same bytes (what the application
 * does; unsafe for cachecheck) and Jackson's readTree of the same entity as JSON.
 * {@code java -jar bench/target/benchmarks.jar JavaSerializationBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class JavaSerializationBenchmarks {
    /** The fields of the generated dataset's order value (EngineBenchmarks), as a cached entity. */
    public record OrderEntity(long orderId, String status, BigDecimal total, String currency, String customer,
                              String note, Instant updatedAt, long cachedAt) implements Serializable {
    }

    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(8 << 20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrderEntity ORDER = new OrderEntity(123456, "shipped", new BigDecimal("1234.05"), "EUR",
            "cust-00012345", "abcdef ghijklm nopqrst uvwxyza bcdefgh ijklmno x",
            Instant.parse("2026-03-01T10:00:00.123456Z"), 1772359200128L);

    private final JavaSerializationReader reader = new JavaSerializationReader();
    private final byte[] serialised = serialise(ORDER);
    private final byte[] json = ("{\"orderId\":123456,\"status\":\"shipped\",\"total\":1234.05,\"currency\":\"EUR\","
            + "\"customer\":\"cust-00012345\",\"note\":\"abcdef ghijklm nopqrst uvwxyza bcdefgh ijklmno x\","
            + "\"updatedAt\":\"2026-03-01T10:00:00.123456Z\",\"cachedAt\":1772359200128}").getBytes(StandardCharsets.UTF_8);

    private static byte[] serialise(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The value's size, printed once so that the figures can be put next to it. */
    public int serialisedBytes() {
        return serialised.length;
    }

    @Benchmark
    public JsonNode javaSerializationReader() throws UndecodableException {
        return reader.read(serialised, LIMITS);
    }

    @Benchmark
    public Object objectInputStreamForReference() throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialised))) {
            return in.readObject();
        }
    }

    @Benchmark
    public JsonNode jacksonReadTreeOfTheSameEntityAsJson() throws IOException {
        return JSON.readTree(json);
    }
}
