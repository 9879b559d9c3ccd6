package io.cachecheck.decode.json;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;

import java.io.IOException;

/**
 * Reads one JSON text, strictly: UTF-8 only, no field twice, nothing after the value, decimals exact. Its CORRUPT
 * reasons are {@code not-utf8}, {@code duplicate-field}, {@code invalid-json}, and {@code too-large} past a parser
 * limit (see {@link StrictJson}).
 */
public final class JsonReader implements TreeReader {
    @Override
    public JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException {
        if (bytes.length > limits.maxBytes()) {
            throw new UndecodableException(CorruptReasons.tooLarge(bytes.length, limits.maxBytes()));
        }
        if (StrictJson.notUtf8Start(bytes)) {
            throw new UndecodableException(CorruptReasons.NOT_UTF8);
        }
        JsonNode node;
        try {
            node = StrictJson.TREE.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw new UndecodableException(CorruptReasons.TOO_LARGE + ": " + limit(e) + " (JSON parser limit)");
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw new UndecodableException(message.startsWith("Duplicate field") ? CorruptReasons.DUPLICATE_FIELD
                    : message.startsWith("Invalid UTF-8") ? CorruptReasons.NOT_UTF8 : CorruptReasons.INVALID_JSON);
        }
        if (node == null || node.isMissingNode()) {
            throw new UndecodableException(CorruptReasons.INVALID_JSON); // empty or only whitespace
        }
        return node;
    }

    /** Which limit, without the text around it (Jackson's message may quote the start of the value). */
    private static String limit(StreamConstraintsException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Document nesting depth")) {
            return "nesting deeper than " + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels";
        }
        if (m.startsWith("Number value length") || m.startsWith("Number length")) {
            return "a number longer than " + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " digits";
        }
        if (m.startsWith("Name length")) {
            return "a field name longer than " + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NAME_LEN + " characters";
        }
        return "a value past a JSON parser limit";
    }
}
