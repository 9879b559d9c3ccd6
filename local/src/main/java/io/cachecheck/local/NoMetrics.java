package io.cachecheck.local;

import com.amazonaws.services.lambda.runtime.Context;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Discards metrics. Local runs install it so the handlers' EMF lines (meant for CloudWatch Logs) do not mix with
 * the CLI's output, and Powertools does not look for a CloudWatch agent on 127.0.0.1:25888.
 */
final class NoMetrics implements Metrics {
    private DimensionSet defaults = new DimensionSet();

    static void install() {
        NoMetrics metrics = new NoMetrics();
        MetricsFactory.setMetricsProvider(() -> metrics);
    }

    @Override
    public void addMetric(String key, double value, MetricUnit unit, MetricResolution resolution) {
    }

    @Override
    public void addDimension(DimensionSet dimensionSet) {
    }

    @Override
    public void setTimestamp(Instant timestamp) {
    }

    @Override
    public void addMetadata(String key, Object value) {
    }

    @Override
    public void setDefaultDimensions(DimensionSet dimensionSet) {
        defaults = dimensionSet;
    }

    @Override
    public DimensionSet getDefaultDimensions() {
        return defaults;
    }

    @Override
    public void setNamespace(String namespace) {
    }

    @Override
    public void setRaiseOnEmptyMetrics(boolean raiseOnEmptyMetrics) {
    }

    @Override
    public void clearDefaultDimensions() {
        defaults = new DimensionSet();
    }

    @Override
    public void flush() {
    }

    @Override
    public void captureColdStartMetric(Context context, DimensionSet dimensions) {
    }

    @Override
    public void captureColdStartMetric(DimensionSet dimensions) {
    }

    @Override
    public void flushMetrics(Consumer<Metrics> metricsConsumer) {
    }
}
