package io.cachecheck.decode.jackson;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cachecheck.decode.CachedNull;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.json.JsonReader;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values written by Spring Data Redis' serialisers and by ObjectMapper's default typing: with the type information
 * removed, each must be exactly the tree that the same mapper writes without typing.
 */
class JacksonTypeInfoTest {
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(1 << 20);

    public enum Status { NEW, PAID }

    public record Line(String sku, int qty, BigDecimal price) {
    }

    /** Fields of the kinds that Jackson types differently: natural, boxed, BigDecimal, collections, maps, arrays. */
    public static class Order {
        public long id = 1000;
        public Long customerId = 7L;
        public BigDecimal total = new BigDecimal("111185.20");
        public Date legacy = new Date(1743392056100L);
        public Status status = Status.PAID;
        public List<String> tags = new ArrayList<>(List.of("a", "example.com"));
        public List<Line> lines = new ArrayList<>(List.of(new Line("A-1", 2, new BigDecimal("12.50")),
                new Line("B-2", 1, new BigDecimal("0.10"))));
        public Map<String, Object> attrs = new LinkedHashMap<>(Map.of("k", "v"));
        public String[] codes = {"x", "y"};
        public int[] nums = {1, 2};
        public Set<Integer> ids = new HashSet<>(Set.of(1));
        public UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        public Object nothing = null;
        public List<String> immutable = List.of("p", "q");
        public double ratio = 0.5;
        public Float boxedFloat = 0.25f;
        public Short small = 3;
        public Boolean flag = false;
    }

    /** The same with java.time fields (needs JavaTimeModule). */
    public static class TimedOrder extends Order {
        public Instant updatedAt = Instant.parse("2025-03-31T03:34:16.100Z");
        public OffsetDateTime placedAt = OffsetDateTime.parse("2025-03-31T05:34:16+02:00");
        public LocalDate day = LocalDate.parse("2025-03-31");
        public LocalDateTime local = LocalDateTime.parse("2025-03-31T03:34:16.123");
    }

    private static JsonNode unwrapped(byte[] typed) throws Exception {
        return new JacksonTypeInfo().apply(new JsonReader().read(typed, LIMITS), LIMITS);
    }

    private static JsonNode plain(ObjectMapper mapper, Object value) throws Exception {
        return new JsonReader().read(mapper.writeValueAsBytes(value), LIMITS);
    }

    @Test
    void genericJackson2JsonRedisSerializer_withDefaults_unwrapsToThePlainTree() throws Exception {
        byte[] typed = new GenericJackson2JsonRedisSerializer().serialize(new Order());
        assertThat(new String(typed)).startsWith("{\"@class\":\"io.cachecheck.decode.jackson.JacksonTypeInfoTest$Order\"")
                .contains("\"total\":[\"java.math.BigDecimal\",111185.20]", "[\"java.util.ArrayList\",[");

        assertThat(unwrapped(typed)).isEqualTo(plain(new ObjectMapper(), new Order()));
    }

    @Test
    void genericJackson2JsonRedisSerializer_withJavaTimeAndDefaultTyping_unwrapsToThePlainTree() throws Exception {
        GenericJackson2JsonRedisSerializer serializer = GenericJackson2JsonRedisSerializer.builder()
                .objectMapper(new ObjectMapper().registerModule(new JavaTimeModule())).defaultTyping(true).build();
        byte[] typed = serializer.serialize(new TimedOrder());

        assertThat(unwrapped(typed)).isEqualTo(plain(new ObjectMapper().registerModule(new JavaTimeModule()), new TimedOrder()));
    }

    @Test
    void defaultTypingEverything_asProperty_typesScalarsToo_andUnwrapsToThePlainTree() throws Exception {
        ObjectMapper typing = new ObjectMapper().registerModule(new JavaTimeModule());
        typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING, JsonTypeInfo.As.PROPERTY);
        byte[] typed = typing.writeValueAsBytes(new TimedOrder());
        assertThat(new String(typed)).contains("[\"java.lang.Long\",7]", "[\"[Ljava.lang.String;\",[\"x\",\"y\"]]", "[\"[I\",[1,2]]",
                "[\"java.time.LocalDate\",[2025,3,31]]");

        assertThat(unwrapped(typed)).isEqualTo(plain(new ObjectMapper().registerModule(new JavaTimeModule()), new TimedOrder()));
    }

    @Test
    void jackson2JsonRedisSerializer_withNonFinalWrapperArrays_unwrapsToThePlainTree() throws Exception {
        ObjectMapper typing = new ObjectMapper().registerModule(new JavaTimeModule());
        typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
        byte[] typed = new Jackson2JsonRedisSerializer<>(typing, Object.class).serialize(new TimedOrder());
        assertThat(new String(typed)).startsWith("[\"io.cachecheck.decode.jackson.JacksonTypeInfoTest$TimedOrder\",{");

        assertThat(unwrapped(typed)).isEqualTo(plain(new ObjectMapper().registerModule(new JavaTimeModule()), new TimedOrder()));
    }

    @Test
    void activateDefaultTyping_withItsDefaults_unwrapsToThePlainTree() throws Exception {
        ObjectMapper typing = new ObjectMapper().registerModule(new JavaTimeModule());
        typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance);
        byte[] typed = typing.writeValueAsBytes(new TimedOrder());

        assertThat(unwrapped(typed)).isEqualTo(plain(new ObjectMapper().registerModule(new JavaTimeModule()), new TimedOrder()));
    }

    @Test
    void springNullValue_atTheRoot_isTheCachedNullMarker() throws Exception {
        byte[] typed = new GenericJackson2JsonRedisSerializer().serialize(NullValue.INSTANCE);

        assertThat(unwrapped(typed)).isSameAs(CachedNull.INSTANCE);
    }

    @Test
    void aConfiguredTypeProperty_isRemovedInsteadOfClass() throws Exception {
        byte[] typed = new GenericJackson2JsonRedisSerializer("_type").serialize(new Order());
        assertThat(new String(typed)).startsWith("{\"_type\":");

        JsonNode tree = new JacksonTypeInfo("_type").apply(new JsonReader().read(typed, LIMITS), LIMITS);

        assertThat(tree).isEqualTo(plain(new ObjectMapper(), new Order()));
    }

    @Test
    void anUntypedTwoElementArrayStartingWithAClassLikeName_isReadAsAWrapper_asDocumented() throws Exception {
        // Spring's default leaves String[] untyped: ["com.example","x"] cannot be told from a wrapper (docs/formats.md)
        JsonNode tree = unwrapped("{\"codes\":[\"com.example\",\"x\"],\"plain\":[\"example\",\"x\"]}".getBytes());

        assertThat(tree.toString()).isEqualTo("{\"codes\":\"x\",\"plain\":[\"example\",\"x\"]}");
    }
}
