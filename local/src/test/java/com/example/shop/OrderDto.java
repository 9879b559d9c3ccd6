package com.example.shop;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/** The cached order of the docs/formats.md Spring Boot default recipe: a Serializable record, as services cache them. */
public record OrderDto(long id, String status, BigDecimal total, Instant updatedAt) implements Serializable {
    public OrderDto() {
        this(1000, "PAID", new BigDecimal("111185.20"), Instant.parse("2025-03-31T03:34:16.100Z"));
    }
}
