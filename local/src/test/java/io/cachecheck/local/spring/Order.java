package io.cachecheck.local.spring;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order as a Spring service caches it: a plain Serializable entity with the field types such entities usually have
 * (a boxed id, BigDecimal money, an Instant, an enum, a primitive, a list). Written to Redis by Spring's own
 * serialisers, never by the test.
 */
public class Order implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Status { NEW, PAID, SHIPPED }

    private Long id;
    private String tenantId;
    private String customer;
    private BigDecimal total;
    private Instant updatedAt;
    private Status status;
    private int items;
    private boolean paid;
    private List<String> tags;

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public String getTenantId() { return tenantId; }
    public void setTenantId(String tenantId) { this.tenantId = tenantId; }
    public String getCustomer() { return customer; }
    public void setCustomer(String customer) { this.customer = customer; }
    public BigDecimal getTotal() { return total; }
    public void setTotal(BigDecimal total) { this.total = total; }
    public Instant getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(Instant updatedAt) { this.updatedAt = updatedAt; }
    public Status getStatus() { return status; }
    public void setStatus(Status status) { this.status = status; }
    public int getItems() { return items; }
    public void setItems(int items) { this.items = items; }
    public boolean isPaid() { return paid; }
    public void setPaid(boolean paid) { this.paid = paid; }
    public List<String> getTags() { return tags; }
    public void setTags(List<String> tags) { this.tags = tags; }
}
