package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Verdict;
import io.cachecheck.workflow.Aggregate;
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
 * Lambda entry point of the last state: merges the shard results, compares them with the baseline, plans (and, when
 * asked, executes) remediation, writes the audit log, publishes the summary and returns the gate decision. Emits the run's metrics (dimension Service only: tenants are in the audit log, not in
 * metric dimensions, to keep the metric count bounded).
 */
public final class AggregateHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateHandler.class);
    private final Aggregate aggregate;

    /** Used by Lambda: builds the production clients once per container. */
    public AggregateHandler() {
        this(Handlers.production());
    }

    /** Used by tests and the local runner. */
    public AggregateHandler(WorkflowEnvironment environment) {
        this.aggregate = new Aggregate(environment);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Metrics metrics = Handlers.metrics();
        try {
            Aggregate.Request request = Handlers.read(input, Aggregate.Request.class);
            Aggregate.Result result = Handlers.withLogging(context, request.runId(), () -> {
                Aggregate.Result r = aggregate.aggregate(request);
                LOG.info("run aggregated", entry("verdict", r.summary().verdict()), entry("gatePassed", r.gate().passed()),
                        entry("keysChecked", r.summary().keysChecked()), entry("driftedKeys", r.summary().driftedKeys()),
                        entry("regressions", r.summary().regressions()),
                        entry("remediationApplied", r.summary().remediationApplied()), entry("auditLog", r.gate().auditLogRef()));
                return r;
            });
            addMetrics(metrics, result.summary());
            Handlers.write(output, result.gate());
        } finally {
            metrics.flush();
        }
    }

    private static void addMetrics(Metrics metrics, RunSummary s) {
        metrics.addMetric("ConsistencyScore", s.consistencyScore(), MetricUnit.NONE);
        metrics.addMetric("KeysChecked", s.keysChecked(), MetricUnit.COUNT);
        metrics.addMetric("DriftedKeys", s.driftedKeys(), MetricUnit.COUNT);
        metrics.addMetric("StaleKeys", s.counts().getOrDefault(DriftClass.STALE, 0L), MetricUnit.COUNT);
        metrics.addMetric("OrphanKeys", s.counts().getOrDefault(DriftClass.ORPHAN, 0L), MetricUnit.COUNT);
        metrics.addMetric("CorruptKeys", s.counts().getOrDefault(DriftClass.CORRUPT, 0L), MetricUnit.COUNT);
        metrics.addMetric("UnmappedKeys", s.counts().getOrDefault(DriftClass.UNMAPPED, 0L), MetricUnit.COUNT);
        metrics.addMetric("InFlightKeys", s.counts().getOrDefault(DriftClass.IN_FLIGHT, 0L), MetricUnit.COUNT);
        metrics.addMetric("IncompleteRuns", s.verdict() == Verdict.INCOMPLETE ? 1 : 0, MetricUnit.COUNT);
        metrics.addMetric("Regressions", s.regressions(), MetricUnit.COUNT);
        metrics.addMetric("ResolvedKeys", s.resolved(), MetricUnit.COUNT);
        metrics.addMetric("RemediationRequired", s.remediationRequired(), MetricUnit.COUNT);
        metrics.addMetric("RemediatedKeys", s.remediationApplied(), MetricUnit.COUNT);
    }
}
