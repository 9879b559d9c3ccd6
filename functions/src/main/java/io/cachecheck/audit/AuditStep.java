package io.cachecheck.audit;

import java.util.Map;

/**
 * One thing the run did.
 *
 * @param action         e.g. {@code validate-input}, {@code discover-shards}, {@code validate-shard}, {@code aggregate}
 * @param status         {@code succeeded}, {@code incomplete} or {@code failed}
 * @param durationMillis how long it took, when known (0 otherwise)
 * @param details        small, value-free facts (ids, counts, verdicts, error names)
 */
public record AuditStep(String action, String status, long durationMillis, Map<String, Object> details) {
}
