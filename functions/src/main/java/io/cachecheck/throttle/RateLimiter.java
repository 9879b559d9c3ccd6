package io.cachecheck.throttle;

import java.util.function.LongSupplier;

/**
 * Spaces calls to a production service evenly: permit n may be used no earlier than {@code start + n / rate}. No
 * bursts, because remediation writes and check reads run next to live traffic. The schedule is computed by
 * {@link #reserve()}, so tests check it without waiting. Used by remediation (cache deletes) and by the shard check
 * (cache reads and source queries, {@code throttle} in the execution input).
 */
public final class RateLimiter {
    /** Waits; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private boolean started;
    private long next;

    RateLimiter(double perSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + perSecond);
        }
        this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** A limiter with its own clock and sleeper (tests). */
    public static RateLimiter of(double perSecond, LongSupplier nanoClock, Sleeper sleeper) {
        return new RateLimiter(perSecond, nanoClock, sleeper);
    }

    public static RateLimiter perSecond(double perSecond) {
        return new RateLimiter(perSecond, System::nanoTime, nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos));
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * Reserves the next permit.
     *
     * @return how many nanoseconds the caller must wait before using it (0 when it may go now)
     */
    public long reserve() {
        return reserve(1);
    }

    /**
     * Reserves {@code permits} permits at once (a batch of keys): the caller waits for the first, and the next caller
     * for the one after the last, so the average rate holds whatever the batch sizes.
     *
     * @return how many nanoseconds the caller must wait before using them (0 when it may go now)
     */
    public synchronized long reserve(int permits) {
        long now = nanoClock.getAsLong();
        // an idle limiter does not save up permits for a burst later
        if (!started || next - now < 0) {
            next = now;
            started = true;
        }
        long wait = next - now;
        next += intervalNanos * Math.max(1, permits);
        return wait;
    }

    /** Reserves a permit and waits for it. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }
}
