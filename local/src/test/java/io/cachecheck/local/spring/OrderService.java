package io.cachecheck.local.spring;

import org.springframework.cache.annotation.Cacheable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The service's read path, as a Spring Boot application writes it: {@code @Cacheable} in front of a database read.
 * A missing order is cached too (Spring's NullValue), as {@code RedisCacheManager} does by default.
 */
public class OrderService {
    private final String jdbcUrl;
    private final String table;

    public OrderService(String jdbcUrl, String table) {
        this.jdbcUrl = jdbcUrl;
        this.table = table;
    }

    @Cacheable(cacheNames = "orders", key = "#tenant + ':' + #id")
    public Order find(String tenant, long id) {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement q = db.prepareStatement("SELECT id, tenant_id, customer, total, updated_at, status, items, paid, tags FROM "
                     + table + " WHERE tenant_id = ? AND id = ?")) {
            q.setString(1, tenant);
            q.setLong(2, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Order o = new Order();
                o.setId(rs.getLong("id"));
                o.setTenantId(rs.getString("tenant_id"));
                o.setCustomer(rs.getString("customer"));
                o.setTotal(rs.getBigDecimal("total"));
                o.setUpdatedAt(rs.getTimestamp("updated_at").toInstant());
                o.setStatus(Order.Status.valueOf(rs.getString("status")));
                o.setItems(rs.getInt("items"));
                o.setPaid(rs.getBoolean("paid"));
                o.setTags(new ArrayList<>(Arrays.asList((String[]) rs.getArray("tags").getArray())));
                return o;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("order lookup failed", e);
        }
    }
}
