package io.cachecheck.check;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** The instant a shard check must stop by, or none. */
final class Deadline {
    private final Instant at;
    private final Clock clock;

    /** @param at the deadline, or null for none */
    Deadline(Instant at, Clock clock) {
        this.at = at;
        this.clock = clock;
    }

    boolean passed() {
        return at != null && !clock.instant().isBefore(at);
    }

    /** Whether waiting {@code millis} from now would still end before the deadline (always, without one). */
    boolean allows(long millis) {
        return at == null || clock.instant().plusMillis(millis).isBefore(at);
    }

    /** {@code millis}, or the time left to the deadline if that is shorter (never negative). */
    long cap(long millis) {
        return at == null ? millis : Math.min(millis, Math.max(0, Duration.between(clock.instant(), at).toMillis()));
    }

    /** The time left, asked before every call that must not outlive the deadline; null without a deadline. */
    Supplier<Duration> timeLeft() {
        return at == null ? null : () -> Duration.between(clock.instant(), at);
    }
}
