package io.cachecheck.source;

import java.time.Instant;

/**
 * A timestamp read from the source, with the fractional-second precision (0-9 digits) the column declares.
 * Timestamps without a time zone are taken as UTC (see docs/contract.md).
 */
public record TemporalValue(Instant instant, int precision) {
}
