package com.example.shop;

import java.math.BigDecimal;
import java.util.List;

/** The order with its lines: an array of objects inside the cached value. */
public class OrderWithLines extends Order {
    public List<Line> lines = List.of(new Line("A-1", 2, new BigDecimal("12.50")), new Line("B-7", 1, new BigDecimal("0.99")));

    /** One order line. */
    public record Line(String sku, int qty, BigDecimal price) {
    }
}
