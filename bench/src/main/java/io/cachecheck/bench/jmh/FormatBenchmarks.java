package io.cachecheck.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.CachedValueDecoder;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Namespace;
import io.cachecheck.source.SourceRow;
import io.cachecheck.source.TemporalValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Decode and compare of one value per format (ns per value), with values written by the libraries applications use,
 * shaped like the generated dataset's orders (~200 bytes of JSON):
 * {@code java -jar bench/target/benchmarks.jar FormatBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FormatBenchmarks {
    @Param({"plain-json", "spring-generic", "jackson2-typed", "gzip-json", "zlib-json", "lz4-json", "snappy-json",
            "zstd-json", "msgpack", "keyv-envelope", "dotnet-hash"})
    public String format;

    public static class Order {
        public long id = 123456;
        public String status = "shipped";
        public BigDecimal total = new BigDecimal("1234.05");
        public String currency = "EUR";
        public String customer = "cust-00012345";
        public String note = "abcdef ghijklm nopqrst uvwxyza bcdefgh ijklmno x";
        public Instant updatedAt = Instant.parse("2026-03-01T10:00:00.123456Z");
    }

    private Namespace ns;
    private CachedValue value;
    private final SourceRow row = new SourceRow(new HashMap<>(Map.of("order_id", new BigDecimal(123456), "status", "shipped",
            "total", new BigDecimal("1234.05"), "currency", "EUR", "customer", "cust-00012345",
            "note", "abcdef ghijklm nopqrst uvwxyza bcdefgh ijklmno x",
            "updated_at", new TemporalValue(Instant.parse("2026-03-01T10:00:00.123456Z"), 6))));

    private static Namespace namespace(String valueType, String decode) {
        Contract c = ContractLoader.withEnvironment(k -> null).parse("""
                cache: {url: "redis://127.0.0.1:6379/15"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test"}
                tenants: {sql: "SELECT tenant_id FROM tenants"}
                namespaces:
                  - name: order
                    keyPattern: "t:{tenant_id}:order:{order_id}"
                    valueType: %s
                    %s
                    sql: "SELECT * FROM orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)"
                    fields: {id: order_id, status: status, total: total, currency: currency, customer: customer, note: note, updatedAt: updated_at}
                """.formatted(valueType, decode == null ? "" : "decode: " + decode));
        return c.namespace("order");
    }

    private static byte[] stream(byte[] plain, java.util.function.Function<OutputStream, OutputStream> wrap) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = wrap.apply(out)) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    @Setup
    public void setUp() throws Exception {
        ObjectMapper iso = JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        byte[] json = iso.writeValueAsBytes(new Order());
        switch (format) {
            case "plain-json" -> {
                ns = namespace("json", null);
                value = new CachedValue.Text(json);
            }
            case "spring-generic" -> {
                ns = namespace("json", "[json, jackson-typed]");
                value = new CachedValue.Text(GenericJackson2JsonRedisSerializer.builder()
                        .objectMapper(JsonMapper.builder().addModule(new JavaTimeModule()).build()).defaultTyping(true).build()
                        .serialize(new Order()));
            }
            case "jackson2-typed" -> {
                ObjectMapper typing = JsonMapper.builder().addModule(new JavaTimeModule()).build();
                typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
                ns = namespace("json", "[json, jackson-typed]");
                value = new CachedValue.Text(new Jackson2JsonRedisSerializer<>(typing, Object.class).serialize(new Order()));
            }
            case "gzip-json" -> {
                ns = namespace("json", "[gzip, json]");
                value = new CachedValue.Text(stream(json, o -> {
                    try {
                        return new GZIPOutputStream(o);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            case "zlib-json" -> {
                ns = namespace("json", "[zlib, json]");
                value = new CachedValue.Text(stream(json, DeflaterOutputStream::new));
            }
            case "lz4-json" -> {
                ns = namespace("json", "[lz4, json]");
                value = new CachedValue.Text(stream(json, o -> {
                    try {
                        return new net.jpountz.lz4.LZ4FrameOutputStream(o);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            case "snappy-json" -> {
                ns = namespace("json", "[snappy, json]");
                value = new CachedValue.Text(org.xerial.snappy.Snappy.compress(json));
            }
            case "zstd-json" -> {
                ns = namespace("json", "[zstd, json]");
                value = new CachedValue.Text(com.github.luben.zstd.Zstd.compress(json));
            }
            case "msgpack" -> {
                ns = namespace("json", "[msgpack]");
                value = new CachedValue.Text(JsonMapper.builder(new org.msgpack.jackson.dataformat.MessagePackFactory())
                        .addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build()
                        .writeValueAsBytes(new Order()));
            }
            case "keyv-envelope" -> {
                ns = namespace("json", "[json, {envelope: value}]");
                value = new CachedValue.Text(("{\"value\":" + new String(json, StandardCharsets.UTF_8) + ",\"expires\":1772359200128}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            case "dotnet-hash" -> {
                ns = namespace("hash", "[{hashField: data}, json]");
                Map<byte[], byte[]> hash = new LinkedHashMap<>();
                hash.put("absexp".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8));
                hash.put("sldexp".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8));
                hash.put("data".getBytes(StandardCharsets.UTF_8), json);
                value = new CachedValue.Hash(hash);
            }
            default -> throw new IllegalArgumentException(format);
        }
        if (!Canonicalizer.compare(ns, CachedValueDecoder.decode(ns, value, 1 << 20), row).equal()) {
            throw new IllegalStateException(format + ": the value does not compare equal; the benchmark would measure a finding");
        }
    }

    /** Decode and compare one consistent value: the per-key work of the format. */
    @Benchmark
    public Canonicalizer.Comparison decodeAndCompare() {
        return Canonicalizer.compare(ns, CachedValueDecoder.decode(ns, value, 1 << 20), row);
    }
}
