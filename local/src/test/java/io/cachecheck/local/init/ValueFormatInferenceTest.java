package io.cachecheck.local.init;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.local.init.ValueFormatInference.Format;
import io.cachecheck.local.init.ValueFormatInference.Layout;
import io.cachecheck.local.spring.Order;
import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Values written by the libraries applications use; the format is read back with the product's own readers. */
class ValueFormatInferenceTest {
    private static final Map<String, Object> PRODUCT = Map.of("title", "Lamp", "priceCents", 1299, "inStock", true);

    private static List<CachedValue> texts(List<byte[]> values) {
        return values.stream().map(v -> (CachedValue) new CachedValue.Text(v)).toList();
    }

    private static Format infer(byte[]... values) {
        return ValueFormatInference.infer(texts(List.of(values)), Map.of());
    }

    @Test
    void infer_plainJson_isValueTypeJson_withItsFieldNames() throws Exception {
        byte[] json = new ObjectMapper().writeValueAsBytes(PRODUCT);

        Format f = infer(json, json);

        assertThat(f.layout()).isEqualTo(Layout.JSON);
        assertThat(f.fields()).containsOnlyKeys("title", "priceCents", "inStock");
        assertThat(f.agreeing()).isEqualTo(2);
    }

    @Test
    void infer_gzippedJson_declaresGzipThenJson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(new ObjectMapper().writeValueAsBytes(PRODUCT));
        }

        Format f = infer(out.toByteArray());

        assertThat(f.layout()).isEqualTo(Layout.DECODED);
        assertThat(f.decode()).containsExactly("gzip", "json");
        assertThat(f.fields()).containsOnlyKeys("title", "priceCents", "inStock");
    }

    @Test
    void infer_messagePack_declaresMsgpack() throws Exception {
        Format f = infer(new ObjectMapper(new MessagePackFactory()).writeValueAsBytes(PRODUCT));

        assertThat(f.decode()).containsExactly("msgpack");
        assertThat(f.fields()).containsOnlyKeys("title", "priceCents", "inStock");
    }

    @Test
    void infer_springJacksonTypedJson_declaresJacksonTyped_andSpringNullsDoNotVote() {
        Order o = new Order();
        o.setId(7L);
        o.setTotal(new BigDecimal("12.50"));
        o.setStatus(Order.Status.NEW);
        byte[] typed = GenericJackson2JsonRedisSerializer.builder().defaultTyping(true).build().serialize(o);
        // RedisCache writes its NullValue JDK-serialised whatever the value serialiser
        byte[] nullValue = new JdkSerializationRedisSerializer().serialize(NullValue.INSTANCE);

        Format f = infer(typed, nullValue);

        assertThat(f.decode()).containsExactly("json", "jackson-typed");
        assertThat(f.fields()).containsKeys("id", "total", "status").doesNotContainKey("@class");
        assertThat(f.cachedNulls()).isEqualTo(1);
    }

    @Test
    void infer_mostValuesDecide_theOthersAreCounted() throws Exception {
        byte[] json = new ObjectMapper().writeValueAsBytes(PRODUCT);
        List<CachedValue> values = new ArrayList<>(texts(List.of(json, json, json)));
        values.add(new CachedValue.Text("{\"title\":".getBytes(StandardCharsets.UTF_8)));
        values.add(new CachedValue.Hash(Map.of("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8))));

        Format f = ValueFormatInference.infer(values, Map.of("set", 1));

        assertThat(f.layout()).isEqualTo(Layout.JSON);
        assertThat(f.sampled()).isEqualTo(6);
        assertThat(f.agreeing()).isEqualTo(3);
    }

    @Test
    void infer_plainText_isValueTypeString_andCollectionsAreNotProposed() {
        assertThat(infer("gold".getBytes(StandardCharsets.UTF_8), "silver".getBytes(StandardCharsets.UTF_8)).layout())
                .isEqualTo(Layout.STRING);
        assertThat(ValueFormatInference.infer(List.of(), Map.of("zset", 3)).layout()).isEqualTo(Layout.COLLECTION);
    }

    @Test
    void infer_utf16TextOrUnknownBinary_isNotTakenForText() {
        Format utf16 = infer("gold".getBytes(StandardCharsets.UTF_16LE), "silver".getBytes(StandardCharsets.UTF_16LE));
        Format binary = infer(new byte[]{(byte) 0xC3, 0x28, 1, 2}, new byte[]{(byte) 0xFE, 0x01});

        assertThat(utf16.layout()).isEqualTo(Layout.UNKNOWN);
        assertThat(utf16.what()).startsWith("UTF-16 or UTF-32 text");
        assertThat(binary.layout()).isEqualTo(Layout.UNKNOWN);
        assertThat(binary.what()).isEqualTo("bytes that are not UTF-8 text and in no format cachecheck recognises");
    }
}
