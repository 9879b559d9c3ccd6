package io.cachecheck.report;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.baseline.ObjectStoreBaselineStore;
import io.cachecheck.store.ObjectStore;

/**
 * Writes a run's HTML report next to its audit log: {@code audit/<runId>.html} in the same store (the S3 bucket,
 * encrypted by its default KMS encryption like the audit log, or the local output directory). Used by Aggregate at
 * the end of every run and by {@code cachecheck report RUN_ID} to regenerate it from the stored audit log.
 */
public final class RunReports {
    /** How many stored baselines the score trend reads (each is one GET). */
    public static final int TREND_BASELINES = 12;
    static final String CONTENT_TYPE = "text/html;charset=utf-8";

    private RunReports() {
    }

    /** The report's object key; {@code runId} must already be a checked run id (it is the audit log's). */
    public static String key(String runId) {
        return "audit/" + runId + ".html";
    }

    /**
     * Renders the report of {@code log} with the score trend of the recent baselines (as they were when the run
     * finished) and stores it.
     *
     * @param auditLogKey the audit log's key in the same store, named in the report
     * @return the report's key
     */
    public static String write(ObjectStore store, AuditLog log, String auditLogKey) {
        byte[] page = render(store, log, auditLogKey);
        String key = key(log.runId());
        store.put(key, page, CONTENT_TYPE);
        return key;
    }

    /** The report's bytes, reading the trend from {@code store}. */
    public static byte[] render(ObjectStore store, AuditLog log, String auditLogKey) {
        return HtmlReport.render(log, trend(store, log), store.location(auditLogKey));
    }

    static ScoreTrend trend(ObjectStore store, AuditLog log) {
        java.time.Instant asOf = log.finishedAt() != null ? log.finishedAt() : java.time.Instant.now();
        try {
            return ScoreTrend.of(ObjectStoreBaselineStore.create(store).recent(TREND_BASELINES, asOf,
                    java.util.Set.copyOf(HtmlReport.trendTenants(log))));
        } catch (RuntimeException e) {
            // the trend is a view on history; a store that cannot list it must not cost the run its report
            return ScoreTrend.none("the stored baselines could not be listed (" + e.getClass().getSimpleName()
                    + "); the trend is left out");
        }
    }
}
