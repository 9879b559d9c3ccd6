package io.cachecheck.workflow;

/**
 * The execution input's {@code throttle} object: what one run may cost the production services, for the whole run.
 * Each running work item gets an equal share (docs/scale.md, "Throttling").
 *
 * @param cacheReadsPerSecond    keys per second the run may read from the cache: every key a SCAN page returns and
 *                               every key whose value is read counts one; null = no cap
 * @param sourceQueriesPerSecond SQL statements per second the run may send to the source; null = no cap
 */
public record Throttle(Double cacheReadsPerSecond, Double sourceQueriesPerSecond) {
    public static final Throttle NONE = new Throttle(null, null);

    public boolean capped() {
        return cacheReadsPerSecond != null || sourceQueriesPerSecond != null;
    }
}
