package io.cachecheck.local.asl;

/**
 * The definition is invalid or uses a feature the local runner does not support. Raised when the definition is
 * loaded, never during an execution; the message names the state and the feature.
 */
public class AslDefinitionException extends RuntimeException {

    public AslDefinitionException(String message) {
        super(message);
    }

    AslDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
