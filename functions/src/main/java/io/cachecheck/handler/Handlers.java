package io.cachecheck.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.cachecheck.config.Settings;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What the three handlers share: JSON in and out, structured logging with the run id as correlation id. */
final class Handlers {
    /** The MDC key Powertools logging writes as {@code correlation_id}. */
    private static final String CORRELATION_ID = "correlation_id";

    private Handlers() {
    }

    /** The production environment, from the process environment; called once per container. */
    static WorkflowEnvironment production() {
        return WorkflowEnvironment.fromSettings(Settings.fromEnvironment());
    }

    /** The request-scoped Powertools metrics, in the configured namespace (dimension: Service only). */
    static Metrics metrics() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(Settings.fromEnvironment().get(Settings.METRICS_NAMESPACE));
        return metrics;
    }

    static <T> T read(InputStream in, Class<T> type) throws IOException {
        try {
            // read as a tree first: the parser names a repeated field by its whole path (gate.maxDriftRatio), which
            // a JsonNode field of the request type would report only as "input"
            com.fasterxml.jackson.databind.JsonNode tree = Json.STRICT.readTree(in);
            if (tree == null || tree.isMissingNode()) {
                throw new InvalidInputException("input: the request is empty; send a JSON object (see the events/ samples)");
            }
            return Json.MAPPER.treeToValue(tree, type);
        } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
            String field = Json.duplicateField(e);
            if (field == null) {
                throw e;
            }
            // ValidateInput's request carries the execution input under "input": name the field as the user wrote it
            boolean inInput = field.startsWith("input.");
            throw new InvalidInputException((inInput ? field.substring("input.".length()) : field) + ": is given twice in the "
                    + (inInput ? "execution input" : "request") + "; keep one value (a repeated field would silently"
                    + " replace the first)");
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new InvalidInputException((path.isEmpty() ? "input" : path) + ": " + e.getOriginalMessage()
                    .replaceAll(" \\(class [^)]*\\)", "").replaceAll("\\s+", " ") + "; see the events/ samples");
        }
    }

    static void write(OutputStream out, Object value) throws IOException {
        out.write(Json.bytes(value));
        out.flush();
    }

    /** Runs the body with Powertools' Lambda fields in every log line and the run id (execution name) as correlation id. */
    static <T> T withLogging(Context context, String runId, Supplier<T> body) {
        return PowertoolsLogging.withLogging(context, () -> {
            if (runId != null) {
                MDC.put(CORRELATION_ID, runId);
            }
            try {
                return body.get();
            } finally {
                MDC.remove(CORRELATION_ID);
            }
        });
    }
}
