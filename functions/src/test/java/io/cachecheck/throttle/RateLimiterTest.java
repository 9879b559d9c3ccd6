package io.cachecheck.throttle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void reserve_spacesPermitsEvenlyAtTheRate() {
        AtomicLong clock = new AtomicLong(5_000 * MS);
        RateLimiter limiter = new RateLimiter(4, clock::get, n -> { });

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(limiter.reserve());
        }

        assertThat(limiter.intervalNanos()).isEqualTo(250 * MS);
        assertThat(waits).containsExactly(0L, 250 * MS, 500 * MS, 750 * MS, 1000 * MS);
    }

    @Test
    void reserve_accountsForTimeAlreadyPassed() {
        AtomicLong clock = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(10, clock::get, n -> { });

        assertThat(limiter.reserve()).isEqualTo(0);
        clock.addAndGet(40 * MS);
        assertThat(limiter.reserve()).isEqualTo(60 * MS);
        clock.addAndGet(60 * MS);
        assertThat(limiter.reserve()).isEqualTo(100 * MS);
    }

    @Test
    void reserve_afterIdleTime_doesNotAllowABurst() {
        AtomicLong clock = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(10, clock::get, n -> { });
        limiter.reserve();
        clock.addAndGet(10_000 * MS);

        assertThat(limiter.reserve()).isEqualTo(0);
        assertThat(limiter.reserve()).isEqualTo(100 * MS);
        assertThat(limiter.reserve()).isEqualTo(200 * MS);
    }

    @Test
    void acquire_sleepsExactlyTheReservedTime() throws InterruptedException {
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = new RateLimiter(2, () -> 0L, sleeps::add);

        limiter.acquire();
        limiter.acquire();
        limiter.acquire();

        assertThat(sleeps).containsExactly(500 * MS, 1000 * MS);
    }
}
