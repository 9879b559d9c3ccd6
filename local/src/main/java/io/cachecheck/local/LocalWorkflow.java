package io.cachecheck.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.handler.AggregateHandler;
import io.cachecheck.handler.DiscoverShardsHandler;
import io.cachecheck.handler.ValidateShardHandler;
import io.cachecheck.local.asl.AslInterpreter;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionResult;
import io.cachecheck.local.asl.S3Objects;
import io.cachecheck.local.asl.TaskFailedException;
import io.cachecheck.local.asl.TaskInvoker;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;
import io.cachecheck.workflow.WorkflowEnvironment;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Runs statemachine/cache-validation.asl.json in this JVM: the {@link AslInterpreter} executes the definition and
 * every Lambda Task goes to its handler class, invoked through {@code handleRequest} with JSON bytes exactly as
 * Lambda would. This is the offline way to test definition changes (AWS no longer supports Step Functions Local).
 */
public final class LocalWorkflow {
    /** The definition, packaged from statemachine/ at build time. */
    public static final String DEFINITION_RESOURCE = "statemachine/cache-validation.asl.json";
    static final Map<String, String> FUNCTIONS = Map.of(
            "DiscoverShardsFunctionArn", "cachecheck-DiscoverShards",
            "ValidateShardFunctionArn", "cachecheck-ValidateShard",
            "AggregateFunctionArn", "cachecheck-Aggregate");

    /** The bucket name the definition's ItemReader and ResultWriter get when the run store is a local directory. */
    static final String LOCAL_BUCKET = "cachecheck-local-store";

    private final WorkflowEnvironment env;
    private final AslInterpreter interpreter;
    private final Map<String, RequestStreamHandler> handlers;
    private final Duration functionTimeout;

    /** The outcome of a local execution, and the audit log when the run got as far as writing it. */
    public record Run(String runId, ExecutionResult execution, Optional<AuditLog> auditLog, String auditLogLocation) {
    }

    /**
     * @param definitionJson  the ASL text (with its {@code ${...FunctionArn}} placeholders)
     * @param functionTimeout the time budget of each invocation, like the Lambda timeout (ValidateShard stops a margin
     *                        before it with INCOMPLETE)
     */
    public LocalWorkflow(WorkflowEnvironment env, String definitionJson, AslOptions options, Duration functionTimeout) {
        this(env, definitionJson, options, functionTimeout, UnaryOperator.identity());
    }

    /**
     * @param invoker wraps the invocation of the handlers, e.g. to make the nth one fail the way Lambda can (tests of
     *                Retry and Catch)
     */
    public LocalWorkflow(WorkflowEnvironment env, String definitionJson, AslOptions options, Duration functionTimeout,
                         UnaryOperator<TaskInvoker> invoker) {
        this.env = env;
        this.functionTimeout = functionTimeout;
        NoMetrics.install();
        this.handlers = Map.of(
                FUNCTIONS.get("DiscoverShardsFunctionArn"), new DiscoverShardsHandler(env),
                FUNCTIONS.get("ValidateShardFunctionArn"), new ValidateShardHandler(env),
                FUNCTIONS.get("AggregateFunctionArn"), new AggregateHandler(env));
        String bucket = env.store().bucket().orElse(LOCAL_BUCKET);
        Map<String, String> substitutions = new java.util.HashMap<>(FUNCTIONS);
        substitutions.put("AuditBucketName", bucket);
        this.interpreter = AslInterpreter.create(definitionJson, substitutions, invoker.apply(this::invoke), options,
                new StoreObjects(env.store(), bucket));
    }

    /** The packaged definition. */
    public static String packagedDefinition() {
        try (InputStream in = LocalWorkflow.class.getClassLoader().getResourceAsStream(DEFINITION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFINITION_RESOURCE + " is not on the classpath; build with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Run run(String runId, JsonNode input) {
        ExecutionResult result = interpreter.execute(runId, input);
        String key = RunIds.auditLogKey(runId);
        Optional<byte[]> stored;
        try {
            stored = env.store().get(key);
        } catch (CacheCheckException e) {
            if (result.succeeded()) {
                throw e;
            }
            // the run failed, maybe because the store is unusable (e.g. no credentials for --bucket): report the
            // run's own error, which names the failed state, rather than this second symptom
            stored = Optional.empty();
        }
        Optional<AuditLog> log = stored.map(bytes -> {
            try {
                return Json.MAPPER.readValue(bytes, AuditLog.class);
            } catch (IOException e) {
                throw new UncheckedIOException("audit log " + env.store().location(key) + " cannot be read", e);
            }
        });
        return new Run(runId, result, log, env.store().location(key));
    }

    /**
     * The Distributed Map's S3 objects on the run store: the same keys as in the bucket in AWS. Only the store's
     * bucket (or, for a directory, {@link #LOCAL_BUCKET}) is served, as the state machine role may reach only the
     * audit bucket.
     */
    private record StoreObjects(io.cachecheck.store.ObjectStore store, String bucket) implements S3Objects {
        @Override
        public Optional<byte[]> get(String bucket, String key) {
            return store.get(checked(bucket, key));
        }

        @Override
        public void put(String bucket, String key, byte[] content) {
            store.put(checked(bucket, key), content, "application/json");
        }

        private String checked(String requested, String key) {
            if (!bucket.equals(requested)) {
                throw new IllegalArgumentException("bucket '" + requested + "' is not the run store's bucket '" + bucket
                        + "'; the definition must use ${AuditBucketName}");
            }
            return key;
        }
    }

    private JsonNode invoke(String functionName, JsonNode payload) {
        RequestStreamHandler handler = handlers.get(functionName);
        if (handler == null) {
            throw new TaskFailedException("Lambda.ResourceNotFoundException", "no local handler for " + functionName);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(Json.bytes(payload)), out,
                    new LocalContext(functionName, functionTimeout.toMillis()));
            return Json.MAPPER.readTree(out.toByteArray());
        } catch (IOException | RuntimeException e) {
            // As the Lambda Java runtime reports it: the error is the class name, the cause a JSON document.
            ObjectNode cause = Json.MAPPER.createObjectNode();
            cause.put("errorMessage", e.getMessage());
            cause.put("errorType", e.getClass().getName());
            throw new TaskFailedException(e.getClass().getName(), cause.toString());
        }
    }
}
