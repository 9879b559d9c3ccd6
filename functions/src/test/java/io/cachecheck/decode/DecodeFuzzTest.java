package io.cachecheck.decode;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.github.luben.zstd.Zstd;
import io.cachecheck.decode.compress.GzipDecoder;
import io.cachecheck.decode.compress.InflateDecoder;
import io.cachecheck.decode.compress.Lz4FrameDecoder;
import io.cachecheck.decode.compress.SnappyDecoder;
import io.cachecheck.decode.compress.ZstdDecoder;
import io.cachecheck.decode.jackson.JacksonTypeInfo;
import io.cachecheck.decode.json.JsonReader;
import io.cachecheck.decode.msgpack.MessagePackReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Truncated and mutated inputs for the stream parsers written or wrapped here (MessagePack, the decompressors, Jackson
 * type removal): each input either decodes or is refused with {@link UndecodableException}; nothing else is thrown,
 * the output stays within the limit, and the memory a value costs is bounded by the limit and its size (the bound on
 * work per value, asserted by allocation rather than by time). Seeds are written by the real encoders; the mutations
 * are deterministic (fixed random seeds), so a failure reproduces.
 */
class DecodeFuzzTest {
    private static final ReadLimits LIMITS = new ReadLimits(64 << 10, ReadLimits.DEFAULT_MAX_DEPTH, 100_000);
    private static final int MUTATIONS = 4000;

    interface Step {
        Object run(byte[] bytes) throws UndecodableException;
    }

    record Target(String name, Step step, List<byte[]> seeds) {
        @Override
        public String toString() {
            return name;
        }
    }

    public record Line(String sku, int qty, BigDecimal price) {
    }

    public static class Order {
        public long id = 1000;
        public Long customer = 7L;
        public BigDecimal total = new BigDecimal("111185.20");
        public String status = "shipped";
        public List<Line> lines = new ArrayList<>(List.of(new Line("A-1", 2, new BigDecimal("12.50")), new Line("B-2", 1, BigDecimal.ONE)));
        public Map<String, Object> attrs = new java.util.LinkedHashMap<>(Map.of("k", "v", "n", 5));
        public String note = "lorem ipsum dolor sit amet ".repeat(40);
    }

    static Stream<Target> targets() throws Exception {
        byte[] json = new ObjectMapper().writeValueAsBytes(new Order());
        byte[] random = new byte[3000];
        new Random(11).nextBytes(random);
        List<byte[]> plain = List.of(json, random);
        ObjectMapper nonFinal = new ObjectMapper();
        nonFinal.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
        ObjectMapper everything = new ObjectMapper();
        everything.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING, JsonTypeInfo.As.PROPERTY);
        JsonReader jsonReader = new JsonReader();
        JacksonTypeInfo typeInfo = new JacksonTypeInfo();
        return Stream.of(
                new Target("msgpack", b -> new MessagePackReader().read(b, LIMITS),
                        List.of(new ObjectMapper(new MessagePackFactory()).writeValueAsBytes(new Order()),
                                new ObjectMapper(new MessagePackFactory()).writeValueAsBytes(List.of(Map.of("a", List.of(1, 2.5, true)))))),
                new Target("gzip", b -> new GzipDecoder().decode(b, LIMITS), encoded(plain, DecodeFuzzTest::gzip)),
                new Target("zlib", b -> InflateDecoder.zlib().decode(b, LIMITS), encoded(plain, p -> deflate(p, false))),
                new Target("deflate", b -> InflateDecoder.rawDeflate().decode(b, LIMITS), encoded(plain, p -> deflate(p, true))),
                new Target("lz4", b -> new Lz4FrameDecoder().decode(b, LIMITS), encoded(plain, DecodeFuzzTest::lz4)),
                new Target("snappy", b -> new SnappyDecoder().decode(b, LIMITS), encoded(plain, Snappy::compress)),
                new Target("zstd", b -> new ZstdDecoder().decode(b, LIMITS), encoded(plain, Zstd::compress)),
                new Target("jackson-typed", b -> typeInfo.apply(jsonReader.read(b, LIMITS), LIMITS), List.of(
                        new GenericJackson2JsonRedisSerializer().serialize(new Order()), nonFinal.writeValueAsBytes(new Order()),
                        everything.writeValueAsBytes(new Order()))));
    }

    interface Encoder {
        byte[] encode(byte[] plain) throws Exception;
    }

    private static List<byte[]> encoded(List<byte[]> plain, Encoder encoder) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : plain) {
            out.add(encoder.encode(p));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a hang, not the bound itself
    void truncatedAndMutatedInputs_decodeOrAreRefused_withinBounds(Target target) throws Exception {
        for (byte[] seed : target.seeds()) {
            assertThat(decode(target, seed)).as(target.name() + " seed decodes").isTrue();
            for (int n = 0; n < seed.length; n++) {
                decode(target, Arrays.copyOf(seed, n));
            }
            Random random = new Random(seed.length * 31L + target.name().hashCode());
            for (int i = 0; i < MUTATIONS; i++) {
                decode(target, mutate(seed, target.seeds(), random));
            }
        }
    }

    /** @return whether it decoded; fails the test on anything but a decode or an UndecodableException */
    private static boolean decode(Target target, byte[] input) {
        long before = allocated();
        try {
            Object out = target.step().run(input);
            if (out instanceof byte[] bytes) {
                assertThat((long) bytes.length).as(target.name() + " output").isLessThanOrEqualTo(LIMITS.maxBytes());
            }
            return true;
        } catch (UndecodableException e) {
            assertThat(e.reason()).as(target.name() + " reason").isNotBlank();
            return false;
        } catch (Throwable t) {
            fail(target.name() + " threw " + t + " on " + HexFormat.of().formatHex(input), t);
            return false;
        } finally {
            long spent = allocated() - before;
            // output buffers grow by doubling up to the limit; parsers allocate per byte of input
            long bound = 6 * LIMITS.maxBytes() + 64L * input.length + (1 << 20);
            if (spent > bound) {
                fail(target.name() + " allocated " + spent + " bytes (bound " + bound + ") on " + HexFormat.of().formatHex(input));
            }
        }
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b[at] = (byte) (r.nextBoolean() ? 0xFF : 0x7F); // large lengths
                case 3 -> {
                    byte[] insert = new byte[1 + r.nextInt(8)];
                    r.nextBytes(insert);
                    b = splice(b, at, 0, insert);
                }
                case 4 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(16)), new byte[0]);
                case 5 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = splice(b, r.nextInt(b.length), 0, Arrays.copyOfRange(b, at, at + len));
                }
                default -> {
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    int from = r.nextInt(other.length);
                    b = splice(b, at, 0, Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + r.nextInt(32))));
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(out)) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] plain, boolean raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream o = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] lz4(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (net.jpountz.lz4.LZ4FrameOutputStream o = new net.jpountz.lz4.LZ4FrameOutputStream(out,
                net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            o.write(plain);
        }
        return out.toByteArray();
    }
}
