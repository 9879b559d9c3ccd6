package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.ValueType;
import io.cachecheck.source.MemberRows;
import io.cachecheck.source.SourceRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison rules of sets, sorted sets and lists, one key at a time (docs/contract.md, "Collections"). */
class CollectionClassifierTest {
    private static final CollectionClassifier CLASSIFIER = new CollectionClassifier(1000, 5);

    private static Namespace namespace(String type, String extra, String orderBy) {
        return ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/1"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test"}
                tenants: {sql: SELECT tenant_id FROM tenants}
                namespaces:
                  - name: c
                    keyPattern: "t:{tenant_id}:c:{id}"
                    valueType: %s
                    sql: SELECT id, m, s FROM c WHERE tenant_id = :tenant_id AND id IN (:id) %s
                    member: m
                %s""".formatted(type, orderBy, extra)).namespace("c");
    }

    private static final Namespace SET = namespace("set", "", "");
    private static final Namespace LIST = namespace("list", "", "ORDER BY id, pos");
    private static final Namespace ZSET_SCORED = namespace("zset", "    score: s\n", "");
    private static final Namespace ZSET_RANKED = namespace("zset", "", "ORDER BY id, s");

    private static CachedValue members(ValueType type, String... members) {
        List<byte[]> bytes = new ArrayList<>();
        for (String m : members) {
            bytes.add(m.getBytes(StandardCharsets.UTF_8));
        }
        return new CachedValue.Members(type, bytes, null);
    }

    private static CachedValue zset(Object... memberScorePairs) {
        List<byte[]> bytes = new ArrayList<>();
        double[] scores = new double[memberScorePairs.length / 2];
        for (int i = 0; i < memberScorePairs.length; i += 2) {
            bytes.add(((String) memberScorePairs[i]).getBytes(StandardCharsets.UTF_8));
            scores[i / 2] = ((Number) memberScorePairs[i + 1]).doubleValue();
        }
        return new CachedValue.Members(ValueType.ZSET, bytes, scores);
    }

    /** Rows whose member column holds {@code values} (and score column {@code s} the paired numbers, if any). */
    private static MemberRows rows(Object... values) {
        List<SourceRow> rows = new ArrayList<>();
        for (Object v : values) {
            Map<String, Object> m = new HashMap<>();
            m.put("id", new BigDecimal(1));
            m.put("m", v);
            rows.add(new SourceRow(m));
        }
        return MemberRows.of(rows, false);
    }

    private static MemberRows scored(Object... memberScorePairs) {
        List<SourceRow> rows = new ArrayList<>();
        for (int i = 0; i < memberScorePairs.length; i += 2) {
            Map<String, Object> m = new HashMap<>();
            m.put("m", memberScorePairs[i]);
            m.put("s", memberScorePairs[i + 1]);
            rows.add(new SourceRow(m));
        }
        return MemberRows.of(rows, false);
    }

    private static String verdict(Namespace ns, CachedValue value, MemberRows rows) {
        Outcome o = CLASSIFIER.classify(ns, value, rows);
        return o.driftClass + (o.reason == null ? "" : " " + o.reason) + (o.fields.isEmpty() ? "" : " " + o.fields);
    }

    private static BigDecimal n(String text) {
        return new BigDecimal(text);
    }

    @Test
    void set_sameMembersInAnotherOrder_isConsistent_andBothDigestsAreEqual() {
        Outcome o = CLASSIFIER.classify(SET, members(ValueType.SET, "b", "c", "a"), rows("a", "b", "c"));

        assertThat(o.driftClass).isEqualTo(DriftClass.CONSISTENT);
        assertThat(o.cacheDigest).isEqualTo(o.sourceDigest);
        assertThat(o.valueDigest).isNull(); // only a differing key pays for the raw digest
    }

    @Test
    void set_membersTypedByTheColumn_asScalarFieldsAre() {
        // an integer column: "7" and "07" are 7; a text column compares the text
        assertThat(verdict(SET, members(ValueType.SET, "7", "12"), rows(n("12"), n("7")))).isEqualTo("CONSISTENT");
        assertThat(verdict(SET, members(ValueType.SET, "07"), rows(n("7")))).isEqualTo("CONSISTENT");
        assertThat(verdict(SET, members(ValueType.SET, "7.0"), rows(n("7.00")))).isEqualTo("CONSISTENT");
        assertThat(verdict(SET, members(ValueType.SET, "07"), rows("7"))).isEqualTo("STALE members-differ: 1 missing, 1 extra [members]");
        // two cached members with one canonical form: the second is extra, never a false CONSISTENT
        assertThat(verdict(SET, members(ValueType.SET, "7", "07"), rows(n("7")))).isEqualTo("STALE members-differ: 0 missing, 1 extra [members]");
        assertThat(verdict(SET, members(ValueType.SET, "true", "f"), rows(Boolean.FALSE, Boolean.TRUE))).isEqualTo("CONSISTENT");
        // MySQL's TINYINT(1) reads 0 and 1 as booleans and 2 as a number: each cached member finds its own type
        assertThat(verdict(SET, members(ValueType.SET, "2", "1", "0"), rows(Boolean.TRUE, n("2"), Boolean.FALSE))).isEqualTo("CONSISTENT");
        assertThat(verdict(SET, members(ValueType.SET, "2", "1", "3"), rows(Boolean.TRUE, n("2"), Boolean.FALSE)))
                .isEqualTo("STALE members-differ: 1 missing, 1 extra [members]");
        // text is compared after NFC, as scalar text is
        assertThat(verdict(SET, members(ValueType.SET, "Jose\u0301"), rows("Jos\u00e9"))).isEqualTo("CONSISTENT");
    }

    @Test
    void set_duplicateRowsCollapse_asARedisSetHoldsAMemberOnce() {
        assertThat(verdict(SET, members(ValueType.SET, "1", "2"), rows(n("1"), n("2"), n("2"), n("1")))).isEqualTo("CONSISTENT");
    }

    @Test
    void set_missingAndExtraMembers_areCountedNeverNamed() {
        assertThat(verdict(SET, members(ValueType.SET, "1", "2", "9"), rows(n("1"), n("2"), n("3"), n("4"))))
                .isEqualTo("STALE members-differ: 2 missing, 1 extra [members]");
    }

    @Test
    void set_noRowsIsOrphan_butOnlyNullMembersIsAnEmptySetThatDiffers() {
        Outcome orphan = CLASSIFIER.classify(SET, members(ValueType.SET, "1"), null);
        assertThat(orphan.driftClass).isEqualTo(DriftClass.ORPHAN);
        assertThat(orphan.reason).isEqualTo("row-missing");
        assertThat(orphan.rowExists).isFalse();
        assertThat(orphan.valueDigest).isNotNull();
        // a LEFT JOIN from the entity table: the entity exists, with no members
        assertThat(verdict(SET, members(ValueType.SET, "1", "2"), rows((Object) null)))
                .isEqualTo("STALE members-differ: 0 missing, 2 extra [members]");
    }

    @Test
    void list_orderAndDuplicatesCount() {
        assertThat(verdict(LIST, members(ValueType.LIST, "a", "b", "a"), rows("a", "b", "a"))).isEqualTo("CONSISTENT");
        assertThat(verdict(LIST, members(ValueType.LIST, "a", "c", "b"), rows("a", "b", "c")))
                .isEqualTo("STALE order-differs: 2 of 3 positions [order]");
        assertThat(verdict(LIST, members(ValueType.LIST, "a", "a", "b"), rows("a", "b")))
                .isEqualTo("STALE members-differ: 0 missing, 1 extra [members]");
        assertThat(verdict(LIST, members(ValueType.LIST, "a"), rows("a", "b", "b")))
                .isEqualTo("STALE members-differ: 2 missing, 0 extra [members]");
    }

    @Test
    void zsetWithScoreColumn_comparesMemberAndScorePairs_asDoubles() {
        assertThat(verdict(ZSET_SCORED, zset("x", 12.5, "y", 3), scored("y", n("3.000"), "x", n("12.50")))).isEqualTo("CONSISTENT");
        assertThat(verdict(ZSET_SCORED, zset("x", 12.5, "y", 4), scored("y", n("3"), "x", n("12.5"))))
                .isEqualTo("STALE scores-differ: 1 member [scores]");
        assertThat(verdict(ZSET_SCORED, zset("x", 1, "z", 2), scored("x", n("1"), "y", n("2"))))
                .isEqualTo("STALE members-differ: 1 missing, 1 extra [members]");
        // a decimal a double cannot hold equals the double the cache could store of it
        assertThat(verdict(ZSET_SCORED, zset("x", 0.1), scored("x", n("0.1")))).isEqualTo("CONSISTENT");
        assertThat(verdict(ZSET_SCORED, zset("x", 1234567890.1234567), scored("x", n("1234567890.12345678")))).isEqualTo("CONSISTENT");
        // rows that give one member two scores cannot match any single cached score
        assertThat(verdict(ZSET_SCORED, zset("x", 1), scored("x", n("1"), "x", n("2"))))
                .isEqualTo("STALE scores-differ: 1 member [scores]");
        assertThat(verdict(ZSET_SCORED, zset("x", 1), scored("x", n("1"), "x", n("1.0")))).isEqualTo("CONSISTENT");
    }

    @Test
    void zsetWithoutScoreColumn_comparesTheRowOrderWithTheCachedScores_tiesInAnyOrder() {
        CachedValue ranked = zset("a", 1, "b", 2, "c", 2, "d", 5);
        assertThat(verdict(ZSET_RANKED, ranked, rows("a", "c", "b", "d"))).isEqualTo("CONSISTENT");
        assertThat(verdict(ZSET_RANKED, ranked, rows("a", "b", "c", "d"))).isEqualTo("CONSISTENT");
        assertThat(verdict(ZSET_RANKED, ranked, rows("d", "a", "b", "c")))
                .isEqualTo("STALE order-differs: 3 of 4 members out of score order [order]");
        assertThat(verdict(ZSET_RANKED, ranked, rows("a", "b", "c")))
                .isEqualTo("STALE members-differ: 0 missing, 1 extra [members]");
        // a query that leaves b and c tied may return them in either order at the re-check: not a change
        assertThat(CLASSIFIER.classify(ZSET_RANKED, ranked, rows("d", "a", "c", "b")).sourceDigest)
                .isEqualTo(CLASSIFIER.classify(ZSET_RANKED, ranked, rows("d", "a", "b", "c")).sourceDigest)
                .isNotEqualTo(CLASSIFIER.classify(ZSET_RANKED, ranked, rows("a", "d", "b", "c")).sourceDigest);
        assertThat(CollectionComparison.sourceOnlyDigest(ZSET_RANKED, rows("d", "a", "c", "b").rows()))
                .isEqualTo(CollectionComparison.sourceOnlyDigest(ZSET_RANKED, rows("a", "b", "c", "d").rows()));
    }

    @Test
    void tooManyOrTooLarge_isCorruptTooLarge_onEitherSide_andNotUtf8IsCorrupt() {
        assertThat(verdict(SET, members(ValueType.SET, "1", "2", "3", "4", "5", "6"), rows(n("1"))))
                .isEqualTo("CORRUPT too-large: more than check.maxMembers 5 members");
        assertThat(verdict(SET, members(ValueType.SET, "x".repeat(600), "y".repeat(600)), rows("x")))
                .isEqualTo("CORRUPT too-large: 1200 bytes > check.maxValueBytes 1000");
        Outcome source = CLASSIFIER.classify(SET, members(ValueType.SET, "1"), MemberRows.of(rows(n("1")).rows(), true));
        assertThat(source.driftClass).isEqualTo(DriftClass.CORRUPT);
        assertThat(source.reason).isEqualTo("too-large: the source has more than check.maxMembers 5 rows for the key");
        assertThat(source.sourceDigest).isNull();
        CachedValue binary = new CachedValue.Members(ValueType.SET, List.of(new byte[]{(byte) 0xff, 0x01}), null);
        assertThat(verdict(SET, binary, rows("x"))).isEqualTo("CORRUPT not-utf8");
        assertThat(verdict(SET, new CachedValue.WrongType("set"), rows("x"))).isEqualTo("CORRUPT wrong-type: expected set");
        assertThat(CLASSIFIER.classify(SET, CachedValue.MISSING, rows("x")).driftClass).isNull();
    }

    @Test
    void digests_followWhatIsCompared() {
        Outcome first = CLASSIFIER.classify(LIST, members(ValueType.LIST, "a", "c", "b"), rows("a", "b", "c"));
        Outcome again = CLASSIFIER.classify(LIST, members(ValueType.LIST, "a", "c", "b"), rows("a", "b", "c"));
        Outcome changed = CLASSIFIER.classify(LIST, members(ValueType.LIST, "c", "a", "b"), rows("a", "b", "c"));

        assertThat(first.cacheDigest).isEqualTo(again.cacheDigest).isNotEqualTo(first.sourceDigest);
        assertThat(changed.cacheDigest).isNotEqualTo(first.cacheDigest); // the re-check sees a changed list (IN_FLIGHT)
        assertThat(changed.sourceDigest).isEqualTo(first.sourceDigest);
        // a one-member list ["a\nb"] and the list ["a", "b"] must not share a digest
        assertThat(CLASSIFIER.classify(LIST, members(ValueType.LIST, "a\nb"), rows("x")).cacheDigest)
                .isNotEqualTo(CLASSIFIER.classify(LIST, members(ValueType.LIST, "a", "b"), rows("x")).cacheDigest);
    }

    @Test
    void rawDigest_ofASet_doesNotDependOnTheReadOrder_butOfAListItDoes() {
        byte[] set1 = Classifier.rawDigest(members(ValueType.SET, "a", "b"));
        byte[] set2 = Classifier.rawDigest(members(ValueType.SET, "b", "a"));
        byte[] list1 = Classifier.rawDigest(members(ValueType.LIST, "a", "b"));
        byte[] list2 = Classifier.rawDigest(members(ValueType.LIST, "b", "a"));
        byte[] zset1 = Classifier.rawDigest(zset("a", 1, "b", 2));
        byte[] zset2 = Classifier.rawDigest(zset("a", 1, "b", 3));

        assertThat(set1).isEqualTo(set2);
        assertThat(list1).isNotEqualTo(list2);
        assertThat(Arrays.equals(set1, list1)).isFalse();
        assertThat(zset1).isNotEqualTo(zset2);
    }
}
