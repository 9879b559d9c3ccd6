package io.cachecheck.decode.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;

import java.math.BigInteger;

/**
 * Reads Python pickles (protocols 0 to 5), the default value format of Django's Redis cache and of django-redis,
 * with its own opcode machine: no Python, no class is looked up, nothing is called.
 *
 * <ul>
 *   <li>dict: an object (str keys; int keys as their decimal text; other keys CORRUPT); list, tuple, set,
 *       frozenset: an array in stream order; str: text; bytes and bytearray: base64 text; int (any size up to 4300
 *       digits): an integer; float: the shortest decimal of the double; bool; None: null.</li>
 *   <li>{@code decimal.Decimal}: its exact decimal; {@code datetime.datetime}: ISO-8601 text, with the offset of a
 *       fixed-offset {@code datetime.timezone} (Django's UTC) when it has one; {@code datetime.date}: its date.</li>
 *   <li>Memo (PUT/GET/MEMOIZE) references share values as Python does; each use counts against
 *       {@link ReadLimits#maxNodes()} and a cycle is CORRUPT.</li>
 *   <li>Any other global, object-building opcode, persistent id or out-of-band buffer is CORRUPT with a reason that
 *       names the class. Protocols 0 to 2 pickle bytes (and so datetimes) through {@code _codecs.encode}, and
 *       protocols 0 to 3 pickle sets through {@code builtins.set}: those are CORRUPT by that name. Django's caches
 *       write protocol 4 or 5, which need neither.</li>
 * </ul>
 *
 * <p>Django's {@code RedisCache} and django-redis do not pickle integers (for atomic INCR): they store the decimal
 * text, e.g. {@code 42}, and read it back with {@code int()}. A value that {@code int()} accepts is therefore read as
 * that integer; a pickle never looks like that, because it always ends with STOP ({@code .}).
 *
 * <p>Thread-safe: it keeps no state between values.
 */
public final class PickleReader implements TreeReader {
    static final String INTERNAL_ERROR = "pickle: reader error on malformed input";

    public PickleReader() {
    }

    @Override
    public JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException {
        if (bytes.length > limits.maxBytes()) {
            throw new UndecodableException(io.cachecheck.decode.CorruptReasons.tooLarge(bytes.length, limits.maxBytes()));
        }
        if (bytes.length == 0) {
            throw new UndecodableException("pickle: empty value");
        }
        Number raw = PythonInt.parse(bytes, 0, bytes.length);
        if (raw != null) {
            return raw instanceof BigInteger b ? BigIntegerNode.valueOf(b)
                    : raw.longValue() == raw.intValue() ? IntNode.valueOf(raw.intValue()) : LongNode.valueOf(raw.longValue());
        }
        try {
            return new PickleTree(limits).of(new PickleMachine(bytes, limits).run());
        } catch (StackOverflowError e) {
            throw new UndecodableException("pickle: nesting too deep to read");
        } catch (RuntimeException e) {
            // A bug here must cost one CORRUPT value, never the run; the fuzz tests assert it never happens.
            throw new UndecodableException(INTERNAL_ERROR);
        }
    }
}
