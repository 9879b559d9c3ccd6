package io.cachecheck.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs an Amazon States Language definition (JSONPath mode, Standard workflow semantics) in this JVM, dispatching
 * every Lambda Task to a {@link TaskInvoker}.
 *
 * <p>The definition is substituted, parsed and validated once by {@link #create}; any mistake or unsupported
 * feature is an {@link AslDefinitionException} there. {@link #execute} never throws for a failing workflow: the
 * failure is in the {@link ExecutionResult}. An interpreter is thread-safe and may run many executions.
 */
public final class AslInterpreter {

    private final JsonNode definition;
    private final TaskInvoker invoker;
    private final AslOptions options;
    private final S3Objects objects;
    /** Runs Task invocations that have a TimeoutSeconds, so the state can give up on them. */
    private final ExecutorService taskThreads = Executors.newCachedThreadPool(Execution.daemonThreads("asl-task-"));

    private AslInterpreter(JsonNode definition, TaskInvoker invoker, AslOptions options, S3Objects objects) {
        this.definition = definition;
        this.invoker = invoker;
        this.options = options;
        this.objects = objects;
    }

    /**
     * @param definitionJson the .asl.json text, with {@code ${Name}} placeholders
     * @param substitutions values for the placeholders, as CDK {@code definitionSubstitutions}
     * @throws AslDefinitionException when the definition is invalid or uses an unsupported feature
     */
    public static AslInterpreter create(String definitionJson, Map<String, String> substitutions,
            TaskInvoker invoker, AslOptions options) {
        return create(definitionJson, substitutions, invoker, options, S3Objects.none());
    }

    /**
     * @param objects the S3 objects a Distributed Map's ItemReader reads and its ResultWriter writes
     * @throws AslDefinitionException when the definition is invalid or uses an unsupported feature
     */
    public static AslInterpreter create(String definitionJson, Map<String, String> substitutions,
            TaskInvoker invoker, AslOptions options, S3Objects objects) {
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(definitionJson, "definitionJson");
        Objects.requireNonNull(substitutions, "substitutions");
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(options, "options");
        String text = substitute(definitionJson, substitutions);
        JsonNode definition;
        try {
            definition = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AslDefinitionException("The definition is not valid JSON after substitutions: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ". Check the file, and that substituted values need no JSON escaping.", e);
        }
        DefinitionValidator.validate(definition);
        return new AslInterpreter(definition, invoker, options, objects);
    }

    /** Replaces each {@code ${Name}} with its value, verbatim, exactly like CloudFormation does. */
    static String substitute(String text, Map<String, String> substitutions) {
        String result = text;
        for (Map.Entry<String, String> entry : substitutions.entrySet()) {
            result = result.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        return result;
    }

    /**
     * Runs one execution to its end on the calling thread (Map and Parallel use extra threads).
     *
     * @param executionName exposed as {@code $$.Execution.Name}; the Id is {@code arn:local:execution:<name>}
     * @param input the execution input; {@code null} means {@code {}}
     */
    public ExecutionResult execute(String executionName, JsonNode input) {
        Objects.requireNonNull(executionName, "executionName");
        JsonNode effectiveInput = input == null ? Json.NODES.objectNode() : input;
        Integer timeout = definition.has("TimeoutSeconds") ? definition.get("TimeoutSeconds").intValue() : null;
        Execution execution = new Execution(executionName, effectiveInput, invoker, options, taskThreads, timeout, objects);
        try {
            JsonNode output = execution.runScope(definition, effectiveInput, "");
            return new ExecutionResult(ExecutionStatus.SUCCEEDED, output, null, null, execution.history(), execution.childExecutions());
        } catch (StateFailure failure) {
            return new ExecutionResult(ExecutionStatus.FAILED, null, failure.error(), failure.cause(),
                    execution.history(), execution.childExecutions());
        } catch (Execution.TimedOut e) {
            return new ExecutionResult(ExecutionStatus.TIMED_OUT, null, "States.Timeout",
                    "The execution exceeded the state machine's TimeoutSeconds (" + timeout + " s).",
                    execution.history(), execution.childExecutions());
        } catch (Execution.Aborted e) {
            return new ExecutionResult(ExecutionStatus.ABORTED, null, "States.Aborted",
                    "The thread running the execution was interrupted.", execution.history(), execution.childExecutions());
        }
    }
}
