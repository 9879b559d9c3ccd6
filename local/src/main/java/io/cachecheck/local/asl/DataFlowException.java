package io.cachecheck.local.asl;

/** A path, template or intrinsic could not be applied to the data; becomes States.Runtime for the current state. */
final class DataFlowException extends RuntimeException {

    DataFlowException(String message) {
        super(message, null, false, false);
    }
}
