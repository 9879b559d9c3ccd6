package io.cachecheck.cache;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import static org.assertj.core.api.Assertions.assertThat;

class RedisNodesTest {
    private static final String TOPOLOGY = String.join("\n",
            "a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460",
            "a2 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-10922",
            "a3 127.0.0.1:7003@17003 master - 0 0 3 connected 10923-16383",
            "b1 127.0.0.1:7004@17004 slave a1 0 0 1 connected",
            "b2 127.0.0.1:7005@17005 slave a2 0 0 2 connected",
            "x9 127.0.0.1:7009@17009 master - 0 0 9 connected",
            "f1 127.0.0.1:7010@17010 master,fail - 0 0 4 connected 1-2");

    @Test
    void parseClusterNodes_primaries_skipsFailedAndSlotlessNodes() {
        assertThat(RedisNodes.parseClusterNodes(TOPOLOGY, false)).containsExactly(
                new HostAndPort("127.0.0.1", 7001), new HostAndPort("127.0.0.1", 7002), new HostAndPort("127.0.0.1", 7003));
    }

    @Test
    void parseClusterNodes_replicas_takesOneReplicaPerPrimaryAndFallsBackToThePrimary() {
        assertThat(RedisNodes.parseClusterNodes(TOPOLOGY, true)).containsExactly(
                new HostAndPort("127.0.0.1", 7003), new HostAndPort("127.0.0.1", 7004), new HostAndPort("127.0.0.1", 7005));
    }
}
