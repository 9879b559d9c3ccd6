package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;

/**
 * Reads Java serialisation ({@code ObjectOutputStream}, e.g. Spring's {@code JdkSerializationRedisSerializer}, values
 * starting {@code 0xACED0005}) into the neutral tree, without Java deserialisation: the stream is parsed as data
 * (Java Object Serialization Specification, chapter 6); no class it names is loaded, instantiated or reflected on,
 * and {@code ObjectInputStream} is never used.
 *
 * <p>An object becomes an object node of the fields of all its serialisable classes (superclass fields first; the
 * class name is not a field). Known JDK classes are read from their serial forms: boxed primitives, BigInteger,
 * BigDecimal, UUID, java.time values, Date, the common collections and maps. What cannot be interpreted without the
 * class's code (custom writeObject data, Externalizable, proxies, cycles) is an {@link UndecodableException} whose
 * reason names the class. docs/formats.md describes the mapping.
 *
 * <p>Cost is bounded by the value: bytes by {@link ReadLimits#maxBytes()}, nesting by {@link ReadLimits#maxDepth()}
 * (at most {@value #MAX_DEPTH}, for the stack), handles and visited values by {@link ReadLimits#maxNodes()}. Safe for
 * concurrent use: every read has its own state.
 */
public final class JavaSerializationReader implements TreeReader {
    /** Nesting beyond this is refused whatever the limits say: the parser recurses once per level. */
    public static final int MAX_DEPTH = 128;

    public JavaSerializationReader() {
    }

    @Override
    public JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException {
        if (bytes.length > limits.maxBytes()) {
            throw Reasons.tooLarge(bytes.length, limits.maxBytes());
        }
        int maxDepth = Math.min(limits.maxDepth(), MAX_DEPTH);
        Object root = new StreamParser(bytes, maxDepth, limits.maxNodes()).parse();
        return new TreeBuilder(maxDepth, limits.maxNodes()).render(root, 1);
    }

    /** Whether the bytes start with the stream header {@code 0xACED0005} (to suggest this format for a value). */
    public static boolean hasStreamHeader(byte[] bytes) {
        return bytes.length >= 4 && (bytes[0] & 0xff) == 0xAC && (bytes[1] & 0xff) == 0xED && bytes[2] == 0 && bytes[3] == 5;
    }
}
