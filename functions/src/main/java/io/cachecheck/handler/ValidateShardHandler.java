package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.ValidateShard;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

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

    /** Used by Lambda: builds the production clients once per container. */
    public ValidateShardHandler() {
        this(Handlers.production());
    }

    /** Used by tests and the local runner. */
    public ValidateShardHandler(WorkflowEnvironment environment) {
        this(new ValidateShard(environment));
    }

    ValidateShardHandler(ValidateShard validateShard) {
        this.validateShard = validateShard;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Metrics metrics = Handlers.metrics();
        try {
            ValidateShard.Request request = Handlers.read(input, ValidateShard.Request.class);
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
