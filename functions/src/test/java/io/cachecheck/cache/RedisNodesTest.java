package io.cachecheck.cache;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisNodesTest {
    /** Every slot served, but one primary suspected (fail?), one failed (fail), a failed replica and a handshake. */
    private static final String FAILING = String.join("\n",
            "a1 127.0.0.1:7001@17001,node-a1 myself,master - 0 0 1 connected 0-5460",
            "a2 127.0.0.1:7002@17002 master,fail? - 1700000000000 0 2 connected 5461-10922",
            "a3 127.0.0.1:7003@17003 master,fail - 1700000000000 0 3 disconnected 10923-16383",
            "b1 127.0.0.1:7004@17004 slave a1 0 0 1 connected",
            "b2 127.0.0.1:7005@17005 slave,fail a2 1700000000000 0 2 disconnected",
            "b3 127.0.0.1:7006@17006 slave a3 0 0 3 connected",
            "h1 127.0.0.1:7007@17007 handshake - 0 0 0 connected",
            "x9 127.0.0.1:7009@17009 master - 0 0 9 connected");

    /** Slots 5001-5460 unassigned, a primary without an address, its only replica failed, a slot being migrated. */
    private static final String UNCOVERED = String.join("\n",
            "a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5000 5461-10922 [5000->-a3]",
            "a3 :0@0 master,fail,noaddr - 1700000000000 0 3 disconnected 10923-16383",
            "b3 127.0.0.1:7006@17006 slave,fail a3 1700000000000 0 3 disconnected",
            "b1 127.0.0.1:7004@17004 slave a1 0 0 1 connected");

    private static HostAndPort node(int port) {
        return new HostAndPort("127.0.0.1", port);
    }

    @Test
    void parseClusterNodes_primaries_keepsFailedAndSuspectedPrimariesThatOwnSlots() {
        RedisNodes.Coverage coverage = RedisNodes.parseClusterNodes(FAILING, false);
        assertThat(coverage.nodes()).containsExactly(node(7001), node(7002), node(7003));
        assertThat(coverage.uncovered()).isEmpty();
        assertThat(coverage.notes()).containsOnly(
                org.assertj.core.api.Assertions.entry(node(7001), "slots 0-5460"),
                org.assertj.core.api.Assertions.entry(node(7002), "cluster node 127.0.0.1:7002 is flagged fail?; slots 5461-10922"),
                org.assertj.core.api.Assertions.entry(node(7003), "cluster node 127.0.0.1:7003 is flagged fail; slots 10923-16383"));
    }

    @Test
    void parseClusterNodes_replicas_takesAHealthyReplicaAndFallsBackToThePrimaryPastAFailedOne() {
        RedisNodes.Coverage coverage = RedisNodes.parseClusterNodes(FAILING, true);
        // a2's only replica is failed: a2 itself is read, flagged fail? or not; a3 is failed but its replica is healthy
        assertThat(coverage.nodes()).containsExactly(node(7002), node(7004), node(7006));
        assertThat(coverage.uncovered()).isEmpty();
        assertThat(coverage.notes().get(node(7002))).isEqualTo("cluster node 127.0.0.1:7002 is flagged fail?; slots 5461-10922");
        assertThat(coverage.notes().get(node(7006))).isEqualTo("slots 10923-16383");
    }

    @Test
    void parseClusterNodes_primaries_reportsUnassignedSlotsAndThoseOfANodeWithoutAddress() {
        RedisNodes.Coverage coverage = RedisNodes.parseClusterNodes(UNCOVERED, false);
        assertThat(coverage.nodes()).containsExactly(node(7001));
        assertThat(coverage.uncovered()).containsExactly(
                new UncoveredSlots("5001-5460", null, "no cluster node serves them"),
                new UncoveredSlots("10923-16383", "a3", "cluster node a3 is flagged fail,noaddr and has no address to scan"));
        assertThat(coverage.uncovered().get(1).skipReason()).isEqualTo("cluster-slots-uncovered: slots 10923-16383 not checked:"
                + " cluster node a3 is flagged fail,noaddr and has no address to scan");
    }

    @Test
    void parseClusterNodes_replicas_reportsTheSlotsOfANodeWithoutAddressWhoseReplicaFailed() {
        RedisNodes.Coverage coverage = RedisNodes.parseClusterNodes(UNCOVERED, true);
        assertThat(coverage.nodes()).containsExactly(node(7004));
        assertThat(coverage.uncovered()).containsExactly(
                new UncoveredSlots("5001-5460", null, "no cluster node serves them"),
                new UncoveredSlots("10923-16383", "a3",
                        "cluster node a3 is flagged fail,noaddr and has no address to scan, and no healthy replica"));
    }

    @Test
    void parseClusterNodes_whenNoPrimaryOwnsSlots_everySlotIsUncovered() {
        RedisNodes.Coverage coverage = RedisNodes.parseClusterNodes(
                "a1 127.0.0.1:7001@17001 myself,master - 0 0 0 connected\n", false);
        assertThat(coverage.nodes()).isEmpty();
        assertThat(coverage.uncovered()).containsExactly(new UncoveredSlots("0-16383", null, "no cluster node serves them"));
    }

    @Test
    void ranges_ofAFragmentedGap_listsTheFirstRangesAndCountsTheRest() {
        BitSet odd = new BitSet(RedisNodes.SLOTS);
        for (int slot = 1; slot < RedisNodes.SLOTS; slot += 2) {
            odd.set(slot);
        }
        List<String> first = new java.util.ArrayList<>();
        for (int slot = 1; first.size() < RedisNodes.MAX_LISTED_RANGES; slot += 2) {
            first.add(Integer.toString(slot));
        }
        assertThat(RedisNodes.ranges(odd)).isEqualTo(String.join(",", first) + ",... (8172 more ranges, 8192 slots in all)");
    }
}
