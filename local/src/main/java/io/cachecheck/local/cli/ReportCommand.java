package io.cachecheck.local.cli;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.report.RunReports;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cachecheck report RUN_ID}: regenerates a run's HTML report ({@code audit/<runId>.html}, docs/report.md) from
 * what the run stored: its audit log and the baselines in the same directory or bucket. The trend is read as of the
 * run's end, so the page is the one the run wrote.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Regenerate a run's HTML report (audit/RUN_ID.html) from its stored audit log and baselines"
                + " (docs/report.md), and print where it is."},
        footer = {"", "Exit codes: 0 written, 2 no such run or error."})
public final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Parameters(paramLabel = "RUN_ID", description = "the run's id, as its audit log audit/RUN_ID.json is named")
    String runId;

    @Option(names = "--out", paramLabel = "DIR", description = "the directory the run wrote to (default: "
            + CacheCheckCli.DEFAULT_OUT + ")")
    String out;

    @Option(names = "--bucket", paramLabel = "NAME", description = "the S3 bucket the run wrote to, instead of --out")
    String bucket;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint for --bucket (path-style)")
    String s3Endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "region of the S3 client (default: AWS_REGION or"
            + " us-east-1)")
    String region;

    @Override
    public Integer call() {
        root.out().println("Report: " + regenerate(runId, store()));
        return CacheCheckCli.CONSISTENT;
    }

    private ObjectStore store() {
        return CacheCheckCli.store(CacheCheckCli.clientSettings(region, s3Endpoint, null), bucket,
                Path.of(out == null ? CacheCheckCli.DEFAULT_OUT : out));
    }

    /**
     * Rewrites the report of {@code runId} in {@code store} from the stored audit log and baselines.
     *
     * @return the report's location
     * @throws CacheCheckCli.UsageException for a bad run id, or a run without a readable audit log (one line)
     */
    public static String regenerate(String runId, ObjectStore store) {
        try {
            RunIds.check("RUN_ID", runId);
        } catch (InvalidInputException e) {
            throw new CacheCheckCli.UsageException(e.getMessage());
        }
        String auditKey = RunIds.auditLogKey(runId);
        byte[] json = store.get(auditKey).orElseThrow(() -> new CacheCheckCli.UsageException("RUN_ID: run " + runId
                + " has no audit log at " + store.location(auditKey)
                + "; check the run id, and --out (or --bucket) where the run wrote its results"));
        AuditLog log;
        try {
            log = Json.MAPPER.readValue(json, AuditLog.class);
        } catch (IOException e) {
            throw new CacheCheckCli.UsageException(store.location(auditKey) + " is not an audit log this build reads ("
                    + e.getClass().getSimpleName() + "); regenerate reports with the version that wrote it");
        }
        return store.location(RunReports.write(store, log, auditKey));
    }
}
