package com.example.shop;

import java.math.BigDecimal;
import java.time.Instant;

/** The cached order of the docs/formats.md recipes, as an application defines it (FormatsDocIT writes it). */
public class Order {
    public long id = 1000;
    public String status = "PAID";
    public BigDecimal total = new BigDecimal("111185.20");
    public Instant updatedAt = Instant.parse("2025-03-31T03:34:16.100Z");
}
