package io.cachecheck.remediate;

import io.cachecheck.error.InvalidInputException;

/**
 * Bounds on one remediation run. A plan beyond a cap is not executed at all: a surprise in the size of the drift
 * is a reason for a person to look, not for a partial clean-up.
 *
 * @param maxKeysPerRun      most actions in one plan (default 1000)
 * @param maxKeysPerTenant   most actions for one tenant in one plan (default 200)
 * @param maxWritesPerSecond cache writes (deletes) per second while executing (default 100)
 */
public record Limits(int maxKeysPerRun, int maxKeysPerTenant, double maxWritesPerSecond) {
    public static final int DEFAULT_MAX_KEYS_PER_RUN = 1000;
    public static final int DEFAULT_MAX_KEYS_PER_TENANT = 200;
    public static final double DEFAULT_MAX_WRITES_PER_SECOND = 100;

    public Limits {
        if (maxKeysPerRun < 1) {
            throw new InvalidInputException("remediation.maxKeysPerRun: " + maxKeysPerRun + " is invalid; use a whole number of 1 or more");
        }
        if (maxKeysPerTenant < 1) {
            throw new InvalidInputException("remediation.maxKeysPerTenant: " + maxKeysPerTenant + " is invalid; use a whole number of 1 or more");
        }
        if (!(maxWritesPerSecond > 0) || Double.isInfinite(maxWritesPerSecond)) {
            throw new InvalidInputException("remediation.maxWritesPerSecond: " + maxWritesPerSecond + " is invalid; use a number above 0");
        }
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_KEYS_PER_RUN, DEFAULT_MAX_KEYS_PER_TENANT, DEFAULT_MAX_WRITES_PER_SECOND);
    }
}
