package io.cachecheck.bench;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The cached order as a Spring application would hold it: what {@code Generate --format jdk} and
 * {@code --format jackson-typed} hand to Spring Data Redis' own serialisers. Same fields as the plain JSON value;
 * {@code cached_at} keeps its JSON name so the contract's {@code ignore: [cached_at]} fits every format.
 */
public record BenchOrder(String status, BigDecimal total, String currency, String customer, String note, Instant updatedAt,
                         long cached_at) implements Serializable {
    private static final long serialVersionUID = 1L;
}
