package io.cachecheck.cache;

/**
 * Hash slots of a Redis Cluster that no scanned node serves, so their keys are not checked: slots no node claims, or
 * the slots of a primary without a usable address (flagged {@code noaddr} or {@code handshake}) and without a healthy
 * replica to read instead. A plan with uncovered slots can never be CONSISTENT.
 *
 * @param slots  the ranges, e.g. {@code 10923-16383} or {@code 0-99,200}
 * @param node   the node that claims them (its address, or its id when the address is unknown), or null
 * @param reason why no node of the plan serves them
 */
public record UncoveredSlots(String slots, String node, String reason) {
    /** The reason of the {@code skipped} entry these slots become. */
    public String skipReason() {
        return "cluster-slots-uncovered: slots " + slots + " not checked: " + reason;
    }
}
