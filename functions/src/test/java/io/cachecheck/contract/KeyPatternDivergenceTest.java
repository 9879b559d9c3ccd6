package io.cachecheck.contract;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a key departs from a pattern it does not match ({@code cachecheck explain}'s nearest pattern). */
class KeyPatternDivergenceTest {
    private static final KeyPattern ORDER = KeyPattern.parse("t:{tenant_id}:order:{id}", "test");

    private static KeyPattern.Divergence of(KeyPattern p, String key) {
        return p.divergence(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String found(String key, KeyPattern.Divergence d) {
        return key.substring(d.foundFrom(), d.foundTo());
    }

    @Test
    void divergence_ofAMatchingKey_isNull() {
        assertThat(of(ORDER, "t:acme:order:5")).isNull();
    }

    @Test
    void divergence_typoInAMiddleLiteral_pointsAtTheFirstByteThatDiffers() {
        String key = "t:acme:ordr:5";
        KeyPattern.Divergence d = of(ORDER, key);
        assertThat(d.keyOffset()).isEqualTo(10);                      // t:acme:ord|r
        assertThat(ORDER.text().charAt(d.patternOffset())).isEqualTo('e'); // t:{tenant_id}:ord|er
        assertThat(d.patternOffset()).isEqualTo(17);
        assertThat(d.reason()).isEqualTo("expected \":order:\" after {tenant_id}");
        assertThat(found(key, d)).isEqualTo(":ordr:5");
        assertThat(d.matchedBytes()).isEqualTo(10);
    }

    @Test
    void divergence_wrongPrefix_isAtTheStart() {
        String key = "x:acme:order:5";
        KeyPattern.Divergence d = of(ORDER, key);
        assertThat(d.keyOffset()).isZero();
        assertThat(d.patternOffset()).isZero();
        assertThat(d.reason()).isEqualTo("expected \"t:\" at the start of the key");
        assertThat(found(key, d)).isEqualTo("x:");
    }

    @Test
    void divergence_missingSuffixOrEmptyLastPlaceholder_saySo() {
        KeyPattern tags = KeyPattern.parse("t:{tenant_id}:user:{user_id}:tags", "test");
        KeyPattern.Divergence suffix = of(tags, "t:acme:user:5:roles");
        assertThat(suffix.reason()).isEqualTo("expected the key to end with \":tags\" after {user_id}");

        KeyPattern.Divergence empty = of(ORDER, "t:acme:order:");
        assertThat(empty.reason()).isEqualTo("{id} is empty: the key ends at byte 13");
        assertThat(empty.foundFrom()).isEqualTo(-1);
    }

    @Test
    void divergence_literalNowhereInTheKey_saysNoneFound() {
        KeyPattern.Divergence d = of(KeyPattern.parse("t:{tenant_id}/order/{id}", "test"), "t:acme:order:5");
        assertThat(d.reason()).isEqualTo("expected \"/order/\" after {tenant_id}, found none");
    }
}
