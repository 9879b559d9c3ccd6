package io.cachecheck.decode.php;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;

import java.nio.charset.StandardCharsets;

/**
 * Reads PHP {@code serialize()} data, the default value format of Laravel's cache, without PHP and without running
 * any code: no class is loaded, no {@code __wakeup}/{@code __unserialize} runs.
 *
 * <ul>
 *   <li>{@code N;} null, {@code b:} boolean, {@code i:} integer (64-bit, as PHP), {@code d:} float as the shortest
 *       decimal that reads back as the same double; {@code INF}/{@code NAN} are CORRUPT (no decimal value).</li>
 *   <li>{@code s:len:"...";} a string of {@code len} bytes, read as UTF-8 (not UTF-8: CORRUPT).</li>
 *   <li>{@code a:n:{...}} an array: a list when its keys are 0..n-1 in order, otherwise an object whose keys are
 *       the array keys as text (an empty array is an empty list). Numeric string keys count as integers, as in PHP.
 *   </li>
 *   <li>{@code O:len:"Class":n:{...}} an object of its properties; the class name is dropped. Private ({@code \0Class\0})
 *       and protected ({@code \0*\0}) prefixes are removed, so an Eloquent model's attributes are under
 *       {@code attributes}. Two properties with the same name once stripped are CORRUPT (ambiguous).</li>
 *   <li>{@code DateTime}, {@code DateTimeImmutable} and Carbon objects (their {@code date}, {@code timezone_type} and
 *       {@code timezone} properties) become ISO-8601 offset date-time text in their zone.</li>
 *   <li>{@code E:len:"Class:Case";} an enum case becomes its case name.</li>
 *   <li>{@code r:n;}/{@code R:n;} back-references become a copy of the value they point to; the copy counts against
 *       {@link ReadLimits#maxNodes()}, and a reference to a value that contains it (a cycle) is CORRUPT.</li>
 *   <li>{@code C:} (a {@code Serializable} class's own format) needs that class's code: CORRUPT naming the class.
 *       Extra bytes after the value are CORRUPT.</li>
 * </ul>
 *
 * <p>Laravel's {@code RedisStore} does not serialise finite numbers (ints, floats and numeric strings): it stores
 * their text, e.g. {@code 42} or {@code 0.3}, and returns that text when it reads it. A value that PHP's
 * {@code is_numeric} accepts is therefore read as that text, as Laravel reads it; {@code serialize()} output never
 * looks like that, so nothing is ambiguous.
 *
 * <p>Thread-safe: it keeps no state between values.
 */
public final class PhpSerializeReader implements TreeReader {
    static final String INTERNAL_ERROR = "php: reader error on malformed input";

    public PhpSerializeReader() {
    }

    @Override
    public JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException {
        if (bytes.length > limits.maxBytes()) {
            throw new UndecodableException(io.cachecheck.decode.CorruptReasons.tooLarge(bytes.length, limits.maxBytes()));
        }
        if (bytes.length == 0) {
            throw new UndecodableException("php: empty value");
        }
        if (PhpNumeric.isNumeric(bytes)) {
            return TextNode.valueOf(new String(bytes, StandardCharsets.US_ASCII));
        }
        try {
            return new PhpParser(bytes, limits).parse();
        } catch (StackOverflowError e) {
            throw new UndecodableException("php: nesting too deep to read");
        } catch (RuntimeException e) {
            // A bug here must cost one CORRUPT value, never the run; the fuzz tests assert it never happens.
            throw new UndecodableException(INTERNAL_ERROR);
        }
    }
}
