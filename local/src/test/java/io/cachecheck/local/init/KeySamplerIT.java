package io.cachecheck.local.init;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample's bounds, on a throw-away Redis with 60 keys. */
class KeySamplerIT {
    private static RedisServerProcess redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        try (Jedis jedis = redis.client()) {
            for (int i = 0; i < 60; i++) {
                jedis.set("k:" + i, "v");
            }
            jedis.set(new byte[]{'b', ':', (byte) 0xff}, new byte[]{1}); // not UTF-8: left out, counted
        }
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
    }

    private static KeySampler sampler() {
        return new KeySampler(RedisNodes.discover(new CacheSettings("redis://127.0.0.1:" + redis.port(), false, false,
                Credentials.none(), List.of()), SecretResolver.create()));
    }

    @Test
    void sample_stopsAtMaxKeys_andSaysTheSampleIsIncomplete() throws Exception {
        try (KeySampler sampler = sampler()) {
            KeySampler.Sample sample = sampler.sample(10, 100_000, 5);

            assertThat(sample.keys()).hasSize(10);
            assertThat(sample.complete()).isFalse();
        }
    }

    @Test
    void sample_holdsTheKeysPerSecondCap() throws Exception {
        try (KeySampler sampler = sampler()) {
            long start = System.nanoTime();
            KeySampler.Sample sample = sampler.sample(1000, 40, 1000);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(sample.keys()).hasSize(60);
            assertThat(sample.notUtf8()).isEqualTo(1);
            assertThat(sample.complete()).isTrue();
            // 61 keys at 40 keys/s: at least 1.5 s
            assertThat(millis).isGreaterThanOrEqualTo(1500);
        }
    }
}
