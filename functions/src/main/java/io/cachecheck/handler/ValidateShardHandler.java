package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.ScanNode;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.ValidateShard;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * Lambda entry point of the Map iteration: {@code {"runId", "item"}} checks one work item, stores the full result
 * and returns a small {@link ShardSummary}. Before the function timeout it returns a checkpoint to continue from
 * instead (docs/workflow.md, "Continuations"), and at its deadline it stops with INCOMPLETE.
 */
public final class ValidateShardHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ValidateShardHandler.class);
    private final ValidateShard validateShard;
    private final ScanNode scanNode;

    /** Used by Lambda: builds the production clients once per container. */
    public ValidateShardHandler() {
        this(Handlers.production());
    }

    /** Used by tests and the local runner. */
    public ValidateShardHandler(WorkflowEnvironment environment) {
        this(new ValidateShard(environment), new ScanNode(environment));
    }

    ValidateShardHandler(ValidateShard validateShard) {
        this(validateShard, null);
    }

    private ValidateShardHandler(ValidateShard validateShard, ScanNode scanNode) {
        this.validateShard = validateShard;
        this.scanNode = scanNode;
    }

    /** A scan-phase request has a top-level {@code scan} object; anything else is read as a ValidateShard request. */
    private static boolean isScan(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes).path("scan").isObject();
        } catch (IOException e) {
            return false; // Handlers.read reports the malformed input
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Metrics metrics = Handlers.metrics();
        try {
            byte[] bytes = input.readAllBytes();
            if (isScan(bytes)) {
                // the scan phase (docs/scale.md, "One scan per key") runs in this function: same cache and store access
                ScanNode.Request scan = Handlers.read(new ByteArrayInputStream(bytes), ScanNode.Request.class);
                ScanNode.ScanSummary s = Handlers.withLogging(context, scan.runId(), () -> {
                    ScanNode.ScanSummary out = scanNode.scan(scan, context.getRemainingTimeInMillis());
                    LOG.info("node scanned", entry("scanId", out.scanId()), entry("keysScanned", out.keysScanned()),
                            entry("restarts", out.restarts()), entry("skipped", out.skipped()),
                            entry("durationMillis", out.durationMillis()));
                    return out;
                });
                metrics.addMetric("ScanDurationMillis", s.durationMillis(), MetricUnit.MILLISECONDS);
                Handlers.write(output, s);
                return;
            }
            ValidateShard.Request request = Handlers.read(new ByteArrayInputStream(bytes), ValidateShard.Request.class);
            ShardSummary summary = Handlers.withLogging(context, request.runId(), () -> {
                ShardSummary s = validateShard.validate(request, context.getRemainingTimeInMillis());
                LOG.info("shard validated", entry("shardId", s.shardId()), entry("verdict", s.verdict()),
                        entry("keysScanned", s.keysScanned()), entry("skipped", s.skipped()),
                        entry("checkpoint", s.checkpoint() == null ? 0 : s.checkpoint().sequence()),
                        entry("durationMillis", s.durationMillis()));
                return s;
            });
            metrics.addMetric("ShardDurationMillis", summary.durationMillis(), MetricUnit.MILLISECONDS);
            Handlers.write(output, summary);
        } finally {
            metrics.flush();
        }
    }
}
