package io.cachecheck.decode.chain;

import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.TreeTransform;

/** One step of a namespace's decode chain, by what it consumes and produces. */
public sealed interface DecodeStep {
    /** The step as the contract names it. */
    String name();

    /** Takes one field's bytes out of a Redis hash ({@code {hashField: data}}); only first, only for hashes. */
    record HashField(String field) implements DecodeStep {
        @Override
        public String name() {
            return "hashField";
        }
    }

    /** Bytes to bytes: decompression. */
    record Bytes(String name, ByteDecoder decoder) implements DecodeStep {
    }

    /** Bytes to a value tree: deserialisation. */
    record Read(String name, TreeReader reader) implements DecodeStep {
    }

    /** A value tree to a value tree: removing type information, unwrapping an envelope. */
    record Transform(String name, TreeTransform transform) implements DecodeStep {
    }
}
