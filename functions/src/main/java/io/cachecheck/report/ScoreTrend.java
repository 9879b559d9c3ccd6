package io.cachecheck.report;

import io.cachecheck.audit.AuditLogBuilder;
import io.cachecheck.baseline.BaselineScores;
import io.cachecheck.baseline.ObjectStoreBaselineStore;
import io.cachecheck.baseline.RecentBaselines;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public static ScoreTrend of(RecentBaselines recent) {
        List<Point> points = new ArrayList<>();
        for (BaselineScores b : recent.baselines()) {
            Map<String, Double> scores = new LinkedHashMap<>();
            b.tenants().forEach((tenant, f) -> scores.put(tenant, AuditLogBuilder.score(f.drifted(), f.keysChecked())));
            points.add(new Point(b.runId(), b.createdAt(), AuditLogBuilder.score(b.drifted(), b.keysChecked()),
                    b.keysChecked(), scores));
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
        if (recent.skippedForSize() > 0) {
            notes.add(recent.skippedForSize() + " older baseline(s) are left out: reading them would pass the trend's"
                    + " read budget of " + ObjectStoreBaselineStore.MAX_TREND_BYTES / (1024 * 1024) + " MiB");
        }
        if (recent.unreadable() > 0) {
            notes.add(recent.unreadable() + " stored baseline(s) could not be read and are left out");
        }
        return new ScoreTrend(points, notes);
    }
}
