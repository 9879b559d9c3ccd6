package io.cachecheck.remediate;

import java.util.function.LongSupplier;

/**
 * Spaces cache writes evenly: permit n may be used no earlier than {@code start + n / rate}. No bursts, because
 * remediation runs against a production cache next to live traffic. The schedule is computed by {@link #reserve()},
 * so tests check it without waiting.
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
    public synchronized long reserve() {
        long now = nanoClock.getAsLong();
        // an idle limiter does not save up permits for a burst later
        if (!started || next - now < 0) {
            next = now;
            started = true;
        }
        long wait = next - now;
        next += intervalNanos;
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
