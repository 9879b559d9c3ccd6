package io.cachecheck.check;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How keys are counted when SCAN returns a key more than once (a table being resized, or a scan begun again from
 * cursor 0 after a failover): once, in its class, and a finding reported once. And what a fingerprint collision
 * may cost: never a key left unchecked, a finding left out or drift left out of the verdict.
 */
class ShardTallyTest {
    private static final Contract CONTRACT = ContractLoader.create().parse("""
            version: 1
            cache: {url: "redis://127.0.0.1:6379/7"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
            tenants: {sql: SELECT tenant_id FROM tenants}
            namespaces:
              - name: order
                keyPattern: "t:{tenant_id}:order:{order_id}"
                valueType: json
                sql: SELECT order_id, status FROM orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                fields: {status: status}
            """);
    private static final Group ACME = new Group("acme", 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static ShardTally tally() {
        return new ShardTally(item(), CONTRACT.namespaces(), CONTRACT.check(), CLOCK, 1);
    }

    /** A tally whose fingerprints all collide: every key looks like every other. */
    private static ShardTally collidingTally() {
        return new ShardTally(item(), CONTRACT.namespaces(), CONTRACT.check(), CLOCK, 1, () -> new CountedKeys(key -> 42L << 2));
    }

    private static ShardWorkItem item() {
        return new ShardWorkItem("s", List.of("acme"), List.of(), true);
    }

    private static ScannedKey key(int id) {
        return new ScannedKey(("t:acme:order:" + id).getBytes(StandardCharsets.UTF_8), new String[] {Integer.toString(id)}, 0);
    }

    private static Outcome outcome(DriftClass c, String digest) {
        Outcome o = new Outcome();
        o.driftClass = c;
        o.rowExists = true;
        o.cacheDigest = Canonicalizer.sha256(digest.getBytes(StandardCharsets.UTF_8));
        o.sourceDigest = c == DriftClass.CONSISTENT ? o.cacheDigest : Canonicalizer.sha256("row".getBytes(StandardCharsets.UTF_8));
        o.reason = c == DriftClass.CONSISTENT ? null : "fields-differ";
        return o;
    }

    private static Finding finding(ScannedKey key, DriftClass c) {
        return new Finding("acme", "order", KeyText.display(key.key()), c, "fields-differ", List.of("status"), null, null, null,
                null, null, CLOCK.instant());
    }

    private static TenantNamespaceResult only(ShardResult r) {
        assertThat(r.results()).hasSize(1);
        return r.results().get(0);
    }

    private static ShardResult result(ShardTally tally) {
        return tally.result(CLOCK.instant(), 0, 0);
    }

    @Test
    void consistent_whenAKeyIsSeenTwice_countsItOnceAndDigestsItOnce() {
        ShardTally twice = tally();
        twice.consistent(ACME, key(1), outcome(DriftClass.CONSISTENT, "v1"));
        twice.consistent(ACME, key(1), outcome(DriftClass.CONSISTENT, "v1"));
        ShardTally once = tally();
        once.consistent(ACME, key(1), outcome(DriftClass.CONSISTENT, "v1"));

        TenantNamespaceResult r = only(result(twice));
        assertThat(r.keysChecked()).isEqualTo(1);
        assertThat(r.consistent()).isEqualTo(1);
        assertThat(r.cacheDigest()).isEqualTo(only(result(once)).cacheDigest());
        assertThat(r.sourceDigest()).isEqualTo(only(result(once)).sourceDigest());
        assertThat(result(twice).verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void consistent_whenOneBatchHoldsAKeyTwice_countsItOnce() {
        // SCAN returned key 1 twice in one page, so both copies are in one batch
        ShardTally tally = tally();
        tally.consistent(ACME, List.of(key(1), key(2), key(1)), List.of(outcome(DriftClass.CONSISTENT, "v1"),
                outcome(DriftClass.CONSISTENT, "v2"), outcome(DriftClass.CONSISTENT, "v1")));
        ShardTally once = tally();
        once.consistent(ACME, List.of(key(1), key(2)), List.of(outcome(DriftClass.CONSISTENT, "v1"), outcome(DriftClass.CONSISTENT, "v2")));

        assertThat(only(result(tally)).consistent()).isEqualTo(2);
        assertThat(only(result(tally)).cacheDigest()).isEqualTo(only(result(once)).cacheDigest());
    }

    @Test
    void differs_whenAKeyIsSeenTwice_countsAndReportsItOnce() {
        ShardTally tally = tally();
        tally.differs(ACME, key(3), outcome(DriftClass.STALE, "old"), finding(key(3), DriftClass.STALE));
        tally.differs(ACME, key(3), outcome(DriftClass.STALE, "old"), finding(key(3), DriftClass.STALE));

        ShardResult result = result(tally);
        assertThat(only(result).stale()).isEqualTo(1);
        assertThat(only(result).keysChecked()).isEqualTo(1);
        assertThat(result.findings()).extracting(Finding::key).containsExactly("t:acme:order:3");
        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
    }

    @Test
    void differs_whenTheKeyWasCountedConsistentBefore_movesItToItsDriftClass() {
        ShardTally tally = tally();
        tally.consistent(ACME, key(3), outcome(DriftClass.CONSISTENT, "v1"));
        tally.differs(ACME, key(3), outcome(DriftClass.STALE, "v2"), finding(key(3), DriftClass.STALE));
        tally.consistent(ACME, key(3), outcome(DriftClass.CONSISTENT, "v1")); // a finding is never withdrawn

        ShardResult result = result(tally);
        assertThat(only(result).consistent()).isZero();
        assertThat(only(result).stale()).isEqualTo(1);
        assertThat(only(result).keysChecked()).isEqualTo(1);
        assertThat(result.findings()).hasSize(1);
        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
    }

    @Test
    void consistent_whenTheKeyWasExpiredBefore_countsItCheckedNotExpired() {
        ShardTally tally = tally();
        tally.expired(ACME, key(5));
        tally.expired(ACME, key(5));
        assertThat(result(tally).expired()).isEqualTo(1);
        tally.consistent(ACME, key(5), outcome(DriftClass.CONSISTENT, "v1"));
        tally.expired(ACME, key(5));

        ShardResult result = result(tally);
        assertThat(only(result).consistent()).isEqualTo(1);
        assertThat(only(result).expired()).isZero();
        assertThat(result.expired()).isZero();
    }

    @Test
    void unmappedAndRejected_whenSeenTwice_areCountedAndReportedOnce() {
        ShardTally tally = tally();
        byte[] junk = "junk:1".getBytes(StandardCharsets.UTF_8);
        tally.unmapped(0, junk, null, "no-namespace");
        tally.unmapped(0, junk, null, "no-namespace");
        tally.rejected(ACME, key(9), "key-value-rejected-by-source (SQLState 22P02)");
        tally.rejected(ACME, key(9), "key-value-rejected-by-source (SQLState 22P02)");

        ShardResult result = result(tally);
        assertThat(result.count(DriftClass.UNMAPPED)).isEqualTo(2);
        assertThat(result.findings()).extracting(Finding::key).containsExactlyInAnyOrder("junk:1", "t:acme:order:9");
        assertThat(result.unmappedSample()).containsExactlyInAnyOrder("junk:1", "t:acme:order:9");
    }

    @Test
    void differs_whenDistinctKeysCollide_reportsAndCountsEach() {
        ShardTally tally = collidingTally();
        tally.differs(ACME, key(3), outcome(DriftClass.STALE, "a"), finding(key(3), DriftClass.STALE));
        tally.differs(ACME, key(4), outcome(DriftClass.ORPHAN, "b"), finding(key(4), DriftClass.ORPHAN));
        tally.differs(ACME, key(4), outcome(DriftClass.ORPHAN, "b"), finding(key(4), DriftClass.ORPHAN));

        ShardResult result = result(tally);
        assertThat(result.findings()).extracting(Finding::key).containsExactlyInAnyOrder("t:acme:order:3", "t:acme:order:4");
        assertThat(only(result).stale()).isEqualTo(1);
        assertThat(only(result).orphan()).isEqualTo(1);
    }

    @Test
    void collision_neverHidesDriftFromTheVerdict_atMostOneKeyLeavesTheCount() {
        ShardTally tally = collidingTally();
        tally.consistent(ACME, key(1), outcome(DriftClass.CONSISTENT, "a"));
        tally.consistent(ACME, key(2), outcome(DriftClass.CONSISTENT, "b")); // looks like key 1: not counted
        tally.differs(ACME, key(3), outcome(DriftClass.CORRUPT, "c"), finding(key(3), DriftClass.CORRUPT));
        byte[] junk = "junk:1".getBytes(StandardCharsets.UTF_8);
        tally.unmapped(0, junk, null, "no-namespace");

        ShardResult result = result(tally);
        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(only(result).corrupt()).isEqualTo(1);
        assertThat(result.findings()).extracting(Finding::key).containsExactlyInAnyOrder("t:acme:order:3", "junk:1");
        assertThat(only(result).keysChecked()).as("three keys on one fingerprint: all checked, one counted").isEqualTo(1);
    }
}
