package io.cachecheck.local;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes cached values the way applications write them, with the libraries they use: Spring Data Redis'
 * serialisers, Jackson, MessagePack, the JDK's and the common compression libraries' encoders, Node for keyv's
 * envelope. The test values of FormatsIT and FormatsDocIT.
 */
final class FormatValues {
    private FormatValues() {
    }

    public static class Line {
        public String sku;
        public int qty;
        public BigDecimal price;

        Line() {
        }

        Line(String sku, int qty, BigDecimal price) {
            this.sku = sku;
            this.qty = qty;
            this.price = price;
        }
    }

    /** The application's cached order (a bean, as @Cacheable methods return). */
    public static class Order {
        public long id;
        public String status;
        public BigDecimal total;
        public OffsetDateTime placedAt;
        public List<Line> lines;

        Order copy(Order into) {
            into.id = id;
            into.status = status;
            into.total = total;
            into.placedAt = placedAt;
            into.lines = lines;
            return into;
        }
    }

    /** The same order written with its fields in another order. */
    @JsonPropertyOrder({"lines", "placedAt", "total", "status", "id"})
    public static class ReorderedOrder extends Order {
    }

    /** The order with a java.util.Date: Spring's GenericJackson2JsonRedisSerializer() writes no java.time. */
    public static class DatedOrder {
        public long id;
        public String status;
        public BigDecimal total;
        public Date placedAt;
        public List<Line> lines;

        static DatedOrder of(Order o) {
            DatedOrder d = new DatedOrder();
            d.id = o.id;
            d.status = o.status;
            d.total = o.total;
            d.placedAt = Date.from(o.placedAt.toInstant());
            d.lines = o.lines;
            return d;
        }
    }

    @JsonPropertyOrder({"lines", "placedAt", "total", "status", "id"})
    public static class ReorderedDatedOrder extends DatedOrder {
    }

    /** Jackson as most services configure it: java.time as ISO-8601 text with its offset. */
    static final ObjectMapper PLAIN = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    /** .NET's System.Text.Json default: PascalCase properties. */
    static final ObjectMapper PASCAL = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE).build();
    static final ObjectMapper MSGPACK = JsonMapper.builder(new MessagePackFactory()).addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** Spring Data Redis' GenericJackson2JsonRedisSerializer with its defaults. */
    static final GenericJackson2JsonRedisSerializer SPRING_GENERIC = new GenericJackson2JsonRedisSerializer();
    /** The same through its builder, with Boot's usual JavaTimeModule and ISO dates, and default typing on. */
    static final GenericJackson2JsonRedisSerializer SPRING_GENERIC_TIME = GenericJackson2JsonRedisSerializer.builder()
            .objectMapper(JsonMapper.builder().addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build())
            .defaultTyping(true).build();
    /** The widespread Jackson2JsonRedisSerializer recipe: activateDefaultTyping(NON_FINAL), wrapper arrays. */
    static final Jackson2JsonRedisSerializer<Object> JACKSON2_NON_FINAL;

    static {
        ObjectMapper om = JsonMapper.builder().addModule(new JavaTimeModule()).build();
        om.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
        JACKSON2_NON_FINAL = new Jackson2JsonRedisSerializer<>(om, Object.class);
    }

    static byte[] json(Object value) {
        try {
            return PLAIN.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] springNull() {
        return SPRING_GENERIC.serialize(NullValue.INSTANCE);
    }

    static byte[] gzip(byte[] plain) {
        return stream(plain, o -> {
            try {
                return new GZIPOutputStream(o);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] zlib(byte[] plain) {
        return stream(plain, DeflaterOutputStream::new);
    }

    static byte[] rawDeflate(byte[] plain) {
        return stream(plain, o -> new DeflaterOutputStream(o, new Deflater(Deflater.DEFAULT_COMPRESSION, true)));
    }

    static byte[] lz4(byte[] plain) {
        return stream(plain, o -> {
            try {
                return new LZ4FrameOutputStream(o);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] snappy(byte[] plain) {
        try {
            return Snappy.compress(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] zstd(byte[] plain) {
        return Zstd.compress(plain);
    }

    private static byte[] stream(byte[] plain, java.util.function.Function<OutputStream, OutputStream> wrap) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = wrap.apply(out)) {
            o.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static boolean nodeAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/node")) || Files.isExecutable(Path.of("/usr/local/bin/node"));
    }

    /**
     * keyv's envelope, written by Node: {@code JSON.stringify({value, expires})}, as keyv (and cache-manager on top of
     * it) stores every value. The value arrives as JSON on stdin and is parsed by Node first.
     */
    static byte[] keyvEnvelope(byte[] valueJson, long expiresEpochMillis) {
        try {
            Process p = new ProcessBuilder("node", "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>"
                    + "process.stdout.write(JSON.stringify({value: JSON.parse(s), expires: " + expiresEpochMillis + "})))").start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(valueJson);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("node failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A value written by another language's own serialiser: {@code tool} runs {@code script} (a test resource) live
     * when it is installed; otherwise the checked-in {@code fixture}, which that script wrote, is used.
     */
    static byte[] writtenBy(String tool, String script, String fixture) throws Exception {
        Path scriptFile = Path.of(FormatValues.class.getClassLoader().getResource(script).toURI());
        try {
            Process p = new ProcessBuilder(tool, scriptFile.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.length > 0) {
                return out;
            }
        } catch (IOException notInstalled) {
            // fall through to the fixture
        }
        return Files.readAllBytes(Path.of(FormatValues.class.getClassLoader().getResource(fixture).toURI()));
    }
}
