package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values as Spring Boot's default cache writes them: RedisCacheManager's default configuration serialises values with
 * JdkSerializationRedisSerializer, and a cached null as NullValue.
 */
class SpringJdkSerializationTest {
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(8 << 20);

    private final JavaSerializationReader reader = new JavaSerializationReader();
    private final RedisCacheConfiguration defaults = RedisCacheConfiguration.defaultCacheConfig();

    enum Tier { FREE, TEAM }

    record Account(UUID id, String email, Tier tier, BigDecimal credits, LocalDate since, Instant updatedAt,
                   List<String> roles, Map<String, Object> settings) implements Serializable { }

    enum Status { NEW, SHIPPED }

    /** The example of docs/formats-java-serialization.md. */
    record OrderDto(long id, Status status, BigDecimal total, Instant updatedAt, List<String> tags) implements Serializable { }

    /** Exactly the bytes RedisCache stores for a value (RedisCache.serializeCacheValue). */
    private byte[] cacheValue(Object value) {
        ByteBuffer buffer = defaults.getValueSerializationPair().write(value);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void read_valueWrittenByRedisCacheDefaults_isTheEntitysFields() throws UndecodableException {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("theme", "dark");
        settings.put("pageSize", 50);
        Account account = new Account(UUID.fromString("00000000-0000-0000-0000-00000000002a"), "ada@example.com",
                Tier.TEAM, new BigDecimal("4711.50"), LocalDate.of(2024, 2, 29), Instant.parse("2026-03-01T10:00:00.123456Z"),
                List.of("admin", "billing"), settings);
        byte[] bytes = cacheValue(account);
        assertThat(JavaSerializationReader.hasStreamHeader(bytes)).isTrue();

        JsonNode tree = reader.read(bytes, LIMITS);

        assertThat(tree.toString()).isEqualTo("{\"credits\":4711.50,\"email\":\"ada@example.com\","
                + "\"id\":\"00000000-0000-0000-0000-00000000002a\",\"roles\":[\"admin\",\"billing\"],"
                + "\"settings\":{\"theme\":\"dark\",\"pageSize\":50},\"since\":\"2024-02-29\",\"tier\":\"TEAM\","
                + "\"updatedAt\":\"2026-03-01T10:00:00.123456000Z\"}");
        assertThat(reader.read(Serialized.of(account), LIMITS)).isEqualTo(tree); // the same stream as ObjectOutputStream's
    }

    @Test
    void read_theDocumentedExample() throws UndecodableException {
        OrderDto order = new OrderDto(1000, Status.SHIPPED, new BigDecimal("111185.20"),
                Instant.parse("2025-03-31T03:34:16.100Z"), List.of("gift"));

        assertThat(reader.read(cacheValue(order), LIMITS).toString()).isEqualTo("{\"id\":1000,\"status\":\"SHIPPED\","
                + "\"tags\":[\"gift\"],\"total\":111185.20,\"updatedAt\":\"2025-03-31T03:34:16.100000000Z\"}");
    }

    @Test
    void read_cachedNull_isNull() throws UndecodableException {
        JsonNode tree = reader.read(cacheValue(NullValue.INSTANCE), LIMITS);

        assertThat(tree.isNull()).isTrue();
    }

    @Test
    void read_valueWrittenByJdkSerializationRedisSerializer_directly() throws UndecodableException {
        byte[] bytes = new JdkSerializationRedisSerializer().serialize(new LinkedHashMap<>(Map.of("total", new BigDecimal("12.50"))));

        assertThat(reader.read(bytes, LIMITS).toString()).isEqualTo("{\"total\":12.50}");
    }
}
