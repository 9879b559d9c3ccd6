package io.cachecheck.local.asl;

import java.time.Instant;

/**
 * One entry of an execution's history. It never holds payloads, which may be large.
 *
 * @param stateName the state name; inside Map iterations and Parallel branches it is prefixed with the parent
 *     state and the iteration index or branch number, e.g. {@code ValidateShards[3]/Validate}
 * @param type one of {@code entered, succeeded, failed, retried, caught}, and for a Distributed Map
 *     {@code mapRunStarted, mapRunSucceeded, mapRunFailed} (its child executions have histories of their own)
 * @param detail short text such as the error name, the next state or the retry delay; never a payload
 * @param payloadBytes the size (UTF-8 JSON) of the state's input for {@code entered}, of its output for
 *     {@code succeeded}, -1 for other events: how large the data Step Functions would record is, without the data
 */
public record StateEvent(String stateName, String type, Instant at, String detail, int payloadBytes) {

    public StateEvent(String stateName, String type, Instant at, String detail) {
        this(stateName, type, at, detail, -1);
    }

    public static final String ENTERED = "entered";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String RETRIED = "retried";
    public static final String CAUGHT = "caught";
    public static final String MAP_RUN_STARTED = "mapRunStarted";
    public static final String MAP_RUN_SUCCEEDED = "mapRunSucceeded";
    public static final String MAP_RUN_FAILED = "mapRunFailed";
}
