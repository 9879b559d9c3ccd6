package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cachecheck.workflow.DiscoverShards;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * Lambda entry point of the first two states: {@code {"operation": "validate", "runId", "input"}} normalizes the
 * execution input, {@code {"operation": "discover", "runId", "input"}} plans the work items.
 */
public final class DiscoverShardsHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoverShardsHandler.class);
    private final DiscoverShards discoverShards;

    /** Used by Lambda: builds the production clients once per container. */
    public DiscoverShardsHandler() {
        this(Handlers.production());
    }

    /** Used by tests and the local runner. */
    public DiscoverShardsHandler(WorkflowEnvironment environment) {
        this.discoverShards = new DiscoverShards(environment);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Metrics metrics = Handlers.metrics();
        try {
            DiscoverShards.Request request = Handlers.read(input, DiscoverShards.Request.class);
            Object result = Handlers.withLogging(context, request.runId(), () -> {
                Object out = discoverShards.handle(request);
                if (out instanceof DiscoverShards.Discovery d) {
                    LOG.info("shards planned", entry("shards", d.shards().size()), entry("activeTenants", d.tenantCount()));
                }
                return out;
            });
            Handlers.write(output, result);
        } finally {
            metrics.flush();
        }
    }
}
