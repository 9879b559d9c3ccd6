package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.report.RunReports;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;

import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code cachecheck report RUN_ID}: regenerates a run's HTML report ({@code audit/<runId>.html}) from what the run
 * stored: its audit log and the baselines in the same directory or bucket. The report then shows the trend as it
 * was when the run finished (baselines saved later are left out).
 */
final class ReportCommand {
    private ReportCommand() {
    }

    /** @return the exit code: 0 written, 2 a bad run id or no readable audit log (one line on {@code err}) */
    static int run(String runId, ObjectStore store, PrintStream out, PrintStream err) {
        try {
            RunIds.check("RUN_ID", runId);
        } catch (InvalidInputException e) {
            err.println("error: " + e.getMessage());
            return CacheCheckCli.INCOMPLETE_OR_ERROR;
        }
        String auditKey = RunIds.auditLogKey(runId);
        byte[] json = store.get(auditKey).orElse(null);
        if (json == null) {
            err.println("error: RUN_ID: run " + runId + " has no audit log at " + store.location(auditKey)
                    + "; check the run id, and --out (or --bucket) where the run wrote its results");
            return CacheCheckCli.INCOMPLETE_OR_ERROR;
        }
        AuditLog log;
        try {
            log = Json.MAPPER.readValue(json, AuditLog.class);
        } catch (IOException e) {
            err.println("error: " + store.location(auditKey) + " is not an audit log this build reads ("
                    + e.getClass().getSimpleName() + "); regenerate reports with the version that wrote it");
            return CacheCheckCli.INCOMPLETE_OR_ERROR;
        }
        String key = RunReports.write(store, log, auditKey);
        out.println("Report: " + store.location(key));
        return CacheCheckCli.CONSISTENT;
    }
}
