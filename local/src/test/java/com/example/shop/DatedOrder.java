package com.example.shop;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;

/** The order with a java.util.Date: GenericJackson2JsonRedisSerializer() on its own cannot write java.time. */
public class DatedOrder {
    public long id = 1000;
    public String status = "PAID";
    public BigDecimal total = new BigDecimal("111185.20");
    public Date updatedAt = Date.from(Instant.parse("2025-03-31T03:34:16.100Z"));
}
