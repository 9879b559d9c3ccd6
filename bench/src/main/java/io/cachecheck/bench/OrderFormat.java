package io.cachecheck.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the generator writes the JSON namespace's values ({@code --format}), and the decode chain the contract then
 * declares. The framework formats are written by the framework's own serialisers, never by hand.
 */
enum OrderFormat {
    /** Plain JSON text, no decode chain ({@code valueType: json}). */
    JSON("    valueType: json\n"),
    /** Spring Boot's default cache value writer: {@code RedisCacheConfiguration.defaultCacheConfig()}, JDK serialisation. */
    JDK("    decode: [java]\n"),
    /** {@code GenericJackson2JsonRedisSerializer} with default typing and JavaTimeModule, as Spring Boot configures it. */
    JACKSON_TYPED("    valueType: json\n    decode: [json, jackson-typed]\n");

    private final String contractLines;

    OrderFormat(String contractLines) {
        this.contractLines = contractLines;
    }

    static OrderFormat parse(String text) {
        for (OrderFormat f : values()) {
            if (f.optionName().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format " + text + " is not known; use one of "
                + Arrays.stream(values()).map(OrderFormat::optionName).toList());
    }

    String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The contract lines that say how the order namespace's values are stored. */
    String contractLines() {
        return contractLines;
    }

    /** Writes one order; one writer per thread (the Spring serialisers are thread-safe, the builder is not shared). */
    Writer writer() {
        return switch (this) {
            case JSON -> Writer::json;
            case JDK -> {
                RedisSerializationContext.SerializationPair<Object> pair = RedisCacheConfiguration.defaultCacheConfig().getValueSerializationPair();
                yield r -> bytes(pair.write(order(r)));
            }
            case JACKSON_TYPED -> {
                ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
                GenericJackson2JsonRedisSerializer s = GenericJackson2JsonRedisSerializer.builder().objectMapper(mapper).defaultTyping(true).build();
                yield r -> s.serialize(order(r));
            }
        };
    }

    private static BenchOrder order(Dataset.Record r) {
        return new BenchOrder(r.cacheStatus, new BigDecimal(r.total), r.currency, r.customer, r.note,
                Dataset.instant(r.updatedMicros), r.updatedMicros / 1000 + 5);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @FunctionalInterface
    interface Writer {
        byte[] write(Dataset.Record r);

        /** The plain JSON value of the earlier rounds, byte for byte. */
        static byte[] json(Dataset.Record r) {
            StringBuilder v = new StringBuilder(512);
            v.append("{\"status\":\"").append(r.cacheStatus).append("\",\"total\":").append(r.total)
                    .append(",\"currency\":\"").append(r.currency).append("\",\"customer\":\"").append(r.customer)
                    .append("\",\"note\":\"").append(r.note).append("\",\"updatedAt\":\"").append(Dataset.iso(r.updatedMicros))
                    .append("\",\"cached_at\":").append(r.updatedMicros / 1000 + 5).append('}');
            return v.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
