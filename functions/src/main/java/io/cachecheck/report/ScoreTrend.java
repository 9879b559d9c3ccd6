package io.cachecheck.report;

import io.cachecheck.audit.AuditLogBuilder;
import io.cachecheck.baseline.Baseline;
import io.cachecheck.baseline.NamespaceFigures;
import io.cachecheck.baseline.RecentBaselines;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overall and per-tenant scores across the stored baselines, oldest first. A baseline's score is over the
 * tenants' keys it holds (100 × (1 − drifted / checked), as the run's score, but without UNMAPPED keys, which a
 * baseline does not count), and a scoped run's baseline carries the other tenants' figures forward from the one
 * before it. Only the tenants asked for are kept, so the trend stays small whatever the tenant count.
 *
 * @param points oldest first
 * @param notes  what limited the trend (no listing, a capped listing, unreadable baselines); empty when nothing did
 */
public record ScoreTrend(List<Point> points, List<String> notes) {

    /**
     * One baseline.
     *
     * @param tenantScores the scores of the requested tenants this baseline has figures for
     */
    public record Point(String runId, Instant createdAt, double score, long keysChecked, Map<String, Double> tenantScores) {
    }

    public ScoreTrend {
        points = List.copyOf(points);
        notes = List.copyOf(notes);
    }

    public static ScoreTrend none(String note) {
        return new ScoreTrend(List.of(), List.of(note));
    }

    public static ScoreTrend of(RecentBaselines recent, Collection<String> tenants) {
        Set<String> wanted = new HashSet<>(tenants);
        List<Point> points = new ArrayList<>();
        for (Baseline b : recent.baselines()) {
            long checked = 0;
            long drifted = 0;
            Map<String, long[]> perTenant = new HashMap<>();
            for (NamespaceFigures f : b.namespaces()) {
                checked += f.keysChecked();
                drifted += f.drifted();
                if (wanted.contains(f.tenant())) {
                    long[] t = perTenant.computeIfAbsent(f.tenant(), k -> new long[2]);
                    t[0] += f.keysChecked();
                    t[1] += f.drifted();
                }
            }
            Map<String, Double> scores = new LinkedHashMap<>();
            perTenant.forEach((tenant, t) -> scores.put(tenant, AuditLogBuilder.score(t[1], t[0])));
            points.add(new Point(b.runId(), b.createdAt(), AuditLogBuilder.score(drifted, checked), checked, scores));
        }
        List<String> notes = new ArrayList<>();
        if (recent.listed() == 0) {
            notes.add("no stored baseline was found (or the store cannot list its baselines)");
        } else if (points.isEmpty()) {
            notes.add("none of the " + recent.listed() + " stored baselines was saved before this run finished");
        }
        if (recent.listingCapped()) {
            notes.add("the store holds more baselines than the listing reads; the trend is drawn from the first "
                    + recent.listed() + " baseline keys in key order");
        }
        if (recent.unreadable() > 0) {
            notes.add(recent.unreadable() + " stored baseline(s) could not be read and are left out");
        }
        return new ScoreTrend(points, notes);
    }
}
