package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Invokes the Lambda function behind a Task state.
 *
 * <p>Implementations run the Java handler in-process. To report a function error the way Lambda does,
 * throw {@link TaskFailedException} whose {@code error()} is the ASL error name (for a Java handler, the
 * exception's fully-qualified class name). Any other {@link RuntimeException} is reported with its class name as
 * the error, which is what Lambda's Java runtime does.
 */
@FunctionalInterface
public interface TaskInvoker {

    /**
     * @param functionName the {@code FunctionName} parameter (or the plain Lambda Resource), after substitutions
     * @param payload the resolved payload; never {@code null}
     * @return the function's response payload
     */
    JsonNode invoke(String functionName, JsonNode payload) throws TaskFailedException;
}
