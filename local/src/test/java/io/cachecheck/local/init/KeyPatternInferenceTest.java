package io.cachecheck.local.init;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class KeyPatternInferenceTest {

    private static List<String> patterns(KeyPatternInference.Result result) {
        return result.families().stream().map(f -> f.name() + "=" + f.pattern(ids(f))).toList();
    }

    private static List<String> ids(KeyPatternInference.Family f) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < f.ids().size(); i++) {
            names.add("id" + i);
        }
        return names;
    }

    @Test
    void infer_whenTenantsRepeatUnderTwoNamespaces_findsTenantAndNumericIds() {
        List<String> keys = new ArrayList<>();
        for (String t : List.of("acme", "globex", "initech")) {
            for (int i = 1; i <= 5; i++) {
                keys.add("demo:" + t + ":customer:" + i);
            }
            for (int i = 1; i <= 3; i++) {
                keys.add("demo:" + t + ":order:" + i);
            }
        }
        keys.add("demo:umbrella:customer:1");
        keys.add("demo:misc:session:abc");

        KeyPatternInference.Result result = KeyPatternInference.infer(keys);

        assertThat(result.delimiter()).isEqualTo(":");
        assertThat(patterns(result)).containsExactly("customer=demo:{tenant_id}:customer:{id0}", "order=demo:{tenant_id}:order:{id0}");
        assertThat(result.families().get(0).keys()).hasSize(16).contains("demo:umbrella:customer:1");
        KeyPatternInference.Segment id = result.families().get(0).ids().get(0);
        assertThat(id.numeric()).isTrue();
        assertThat(id.distinct()).isEqualTo(5);
        // a single key is no family, and its values are not shown
        assertThat(result.leftOver()).containsExactly(Map.entry("demo:*:*:*", 1));
    }

    @Test
    void infer_springCacheNameForm_keepsTheDoubleColonAndNeverTakesTheEmptySegmentForTheTenant() {
        List<String> keys = new ArrayList<>();
        for (String t : List.of("acme", "globex", "initech")) {
            for (int i = 1; i <= 4; i++) {
                keys.add("orders::" + t + ":" + i);
                keys.add("app:" + t + ":product:" + UUID.nameUUIDFromBytes((t + i).getBytes()));
                keys.add("app:" + t + ":user:" + (100 + i));
            }
        }

        assertThat(patterns(KeyPatternInference.infer(keys))).containsExactlyInAnyOrder(
                "orders=orders::{tenant_id}:{id0}", "product=app:{tenant_id}:product:{id0}", "user=app:{tenant_id}:user:{id0}");
    }

    @Test
    void infer_wordIdsWithAboutOneValuePerKey_areIds() {
        List<String> keys = new ArrayList<>();
        for (String t : List.of("acme", "globex")) {
            for (String user : List.of("alice", "bob", "carol", "dave")) {
                keys.add("t:" + t + ":profile:" + user);
            }
        }

        KeyPatternInference.Result result = KeyPatternInference.infer(keys);

        assertThat(patterns(result)).containsExactly("profile=t:{tenant_id}:profile:{id0}");
        assertThat(result.families().get(0).ids().get(0).numeric()).isFalse();
    }

    @Test
    void infer_compositeKeysAndOtherDelimiter() {
        List<String> keys = new ArrayList<>();
        for (String t : List.of("north", "south", "east")) {
            for (int o = 1; o <= 3; o++) {
                for (int l = 1; l <= 2; l++) {
                    keys.add("shop/" + t + "/line/" + o + "/" + l);
                }
            }
        }

        KeyPatternInference.Result result = KeyPatternInference.infer(keys);

        assertThat(result.delimiter()).isEqualTo("/");
        assertThat(patterns(result)).containsExactly("line=shop/{tenant_id}/line/{id0}/{id1}");
    }

    @Test
    void infer_numericTenants_areGuessedFromTheFirstLowCardinalityIdSegment() {
        List<String> keys = new ArrayList<>();
        for (int t = 1; t <= 3; t++) {
            for (int i = 1; i <= 20; i++) {
                keys.add("c:" + t + ":item:" + (1000 + i));
            }
        }

        KeyPatternInference.Result result = KeyPatternInference.infer(keys);

        assertThat(patterns(result)).containsExactly("item=c:{tenant_id}:item:{id0}");
        assertThat(result.families().get(0).tenantGuessed()).isTrue();
    }

    @Test
    void infer_oneTenantsKeys_takeTheConstantTheSourceConfirmsForTheTenant_andSayWhy() {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            keys.add("cc:acme:customer:" + i);
        }
        List<String> asked = new ArrayList<>();

        KeyPatternInference.Result result = KeyPatternInference.infer(keys, (value, name) -> {
            asked.add(value + "/" + name);
            return value.equals("acme") ? "'acme' matches customers.tenant_id" : null;
        });

        assertThat(patterns(result)).containsExactly("customer=cc:{tenant_id}:customer:{id0}");
        assertThat(result.families().get(0).tenantConfirmed()).isEqualTo("'acme' matches customers.tenant_id");
        assertThat(result.families().get(0).tenantGuessed()).isFalse();
        assertThat(result.leftOver()).isEmpty();
        // constants in key order until one is confirmed, each with the name the family would then get
        assertThat(asked).containsExactly("cc/customer", "acme/customer");
    }

    @Test
    void infer_oneTenantsKeys_withNothingConfirmed_areLeftOver_andVaryingTenantsAreNeverAsked() {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            keys.add("cc:acme:customer:" + i);
        }
        List<String> asked = new ArrayList<>();

        KeyPatternInference.Result none = KeyPatternInference.infer(keys, (value, name) -> {
            asked.add(value);
            return null;
        });
        assertThat(none.families()).isEmpty();
        assertThat(none.leftOver()).containsExactly(Map.entry("cc:acme:customer:*", 10));
        assertThat(asked).containsExactly("cc", "acme", "customer");
        assertThat(KeyPatternInference.infer(keys).families()).isEmpty();

        keys.add("cc:globex:customer:1");
        asked.clear();
        KeyPatternInference.Result two = KeyPatternInference.infer(keys, (value, name) -> {
            asked.add(value);
            return "yes";
        });
        assertThat(patterns(two)).containsExactly("customer=cc:{tenant_id}:customer:{id0}");
        assertThat(two.families().get(0).tenantConfirmed()).isNull();
        assertThat(asked).isEmpty();
    }

    @Test
    void infer_keysWithoutAnyVaryingWord_areLeftOver() {
        KeyPatternInference.Result result = KeyPatternInference.infer(List.of("counter:1", "counter:2", "counter:3"));

        assertThat(result.families()).isEmpty();
        assertThat(result.leftOver()).containsExactly(Map.entry("counter:*", 3));
    }

    @Test
    void idLike_numbersUuidsAndHexAreIds_wordsAreNot() {
        assertThat(KeyPatternInference.idLike("42")).isTrue();
        assertThat(KeyPatternInference.idLike(UUID.randomUUID().toString())).isTrue();
        assertThat(KeyPatternInference.idLike("5f3a9c0d1e")).isTrue();
        assertThat(KeyPatternInference.idLike("tn00001")).isFalse();
        assertThat(KeyPatternInference.idLike("deadbeef")).isFalse(); // hex letters only: a word
        assertThat(KeyPatternInference.idLike("acme")).isFalse();
    }
}
