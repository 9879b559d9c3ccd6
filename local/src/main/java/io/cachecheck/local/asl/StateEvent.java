package io.cachecheck.local.asl;

import java.time.Instant;

/**
 * One entry of an execution's history. It never holds payloads, which may be large.
 *
 * @param stateName the state name; inside Map iterations and Parallel branches it is prefixed with the parent
 *     state and the iteration index or branch number, e.g. {@code ValidateShards[3]/Validate}
 * @param type one of {@code entered, succeeded, failed, retried, caught}
 * @param detail short text such as the error name, the next state or the retry delay; never a payload
 */
public record StateEvent(String stateName, String type, Instant at, String detail) {

    public static final String ENTERED = "entered";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String RETRIED = "retried";
    public static final String CAUGHT = "caught";
}
