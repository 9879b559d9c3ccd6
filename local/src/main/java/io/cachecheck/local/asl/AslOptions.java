package io.cachecheck.local.asl;

/**
 * Settings of the local runner. Start from {@link #defaults()} and adjust with the {@code with*} methods.
 *
 * @param retryIntervalScale multiplies every Retry delay: 1.0 waits as AWS does, 0 never sleeps (tests)
 * @param defaultMapConcurrency the concurrency used for a Map whose MaxConcurrency is 0 (unbounded); default 40,
 *     which is how many iterations an inline Map runs at once on AWS
 * @param waitScale multiplies the delay of Wait states: 1.0 real time, 0 never sleeps (tests)
 * @param historyLimit how many of the most recent {@link StateEvent}s are kept; default 10,000
 * @param stateMachineName exposed as {@code $$.StateMachine.Name}; default {@code local}
 */
public record AslOptions(
        double retryIntervalScale,
        int defaultMapConcurrency,
        double waitScale,
        int historyLimit,
        String stateMachineName) {

    public AslOptions {
        if (retryIntervalScale < 0 || waitScale < 0) {
            throw new IllegalArgumentException("retryIntervalScale and waitScale must be >= 0 (0 disables sleeping)");
        }
        if (defaultMapConcurrency < 1) {
            throw new IllegalArgumentException("defaultMapConcurrency must be >= 1, was " + defaultMapConcurrency);
        }
        if (historyLimit < 0) {
            throw new IllegalArgumentException("historyLimit must be >= 0, was " + historyLimit);
        }
        if (stateMachineName == null || stateMachineName.isBlank()) {
            throw new IllegalArgumentException("stateMachineName must not be blank");
        }
    }

    /** Real-time delays, Map concurrency 40, 10,000 history events, state machine name {@code local}. */
    public static AslOptions defaults() {
        return new AslOptions(1.0, 40, 1.0, 10_000, "local");
    }

    public AslOptions withRetryIntervalScale(double scale) {
        return new AslOptions(scale, defaultMapConcurrency, waitScale, historyLimit, stateMachineName);
    }

    public AslOptions withDefaultMapConcurrency(int concurrency) {
        return new AslOptions(retryIntervalScale, concurrency, waitScale, historyLimit, stateMachineName);
    }

    public AslOptions withWaitScale(double scale) {
        return new AslOptions(retryIntervalScale, defaultMapConcurrency, scale, historyLimit, stateMachineName);
    }

    public AslOptions withHistoryLimit(int limit) {
        return new AslOptions(retryIntervalScale, defaultMapConcurrency, waitScale, limit, stateMachineName);
    }

    public AslOptions withStateMachineName(String name) {
        return new AslOptions(retryIntervalScale, defaultMapConcurrency, waitScale, historyLimit, name);
    }
}
