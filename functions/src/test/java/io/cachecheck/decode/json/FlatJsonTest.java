package io.cachecheck.decode.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming decode of flat JSON objects must build exactly the nodes that the tree decode builds. */
class FlatJsonTest {
    private static final ObjectMapper TREE = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"status\":\"shipped\",\"total\":5149.93,\"cached_at\":1779951223577,\"updatedAt\":\"2026-05-28T06:53:43.572356Z\"}",
            "{\"a\":1.50,\"b\":1.0,\"c\":0.0,\"d\":-0.0,\"e\":1e2,\"f\":1E-3,\"g\":100.000,\"h\":0e5,\"i\":1714550407.120}",
            "{\"a\":1,\"b\":-2147483649,\"c\":12345678901234567890123,\"d\":0,\"e\":-0}",
            "{\"a\":true,\"b\":false,\"c\":null,\"d\":\"\",\"e\":\"caf\\u00e9\",\"f\":\"e\\u0301\"}",
            " { \"a\" : \"x\" } "})
    void flatJsonObject_whenFlat_buildsTheTreeDecodesNodes(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> tree = FlatJson.treeFields(TREE.readTree(bytes));

        Map<String, Object> flat = FlatJson.object(bytes);

        assertThat(flat).isEqualTo(tree);
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            JsonNode expected = (JsonNode) e.getValue();
            JsonNode actual = (JsonNode) flat.get(e.getKey());
            assertThat(actual.getClass()).as(e.getKey()).isEqualTo(expected.getClass());
            if (expected.isNumber()) {
                BigDecimal want = expected.decimalValue();
                assertThat(actual.decimalValue().scale()).as(e.getKey()).isEqualTo(want.scale());
                assertThat(actual.decimalValue()).as(e.getKey()).isEqualTo(want);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[1,2]", "\"text\"", "42", "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}",
            "{\"a\":1} {\"b\":2}", "{\"a\":1", "{\"a\":}", "{'a':1}", "{\"a\":NaN}"})
    void flatJsonObject_whenNotAFlatObject_leavesItToTheTreeDecode(String json) {
        assertThat(FlatJson.object(json.getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
