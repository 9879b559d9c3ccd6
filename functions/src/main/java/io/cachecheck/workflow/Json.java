package io.cachecheck.workflow;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of the workflow: ISO-8601 instants, records as objects, unknown fields rejected. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Reads JSON that people write (execution inputs, handler requests) and refuses an object that names a field
     * twice: a plain read keeps the last value, so {@code {"mode": "manual", "mode": "gate"}} would silently run as a
     * gate. {@link #duplicateField} names the field.
     */
    public static final ObjectReader STRICT = MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    /**
     * The path of the field that a {@link #STRICT} read found twice, such as {@code mode} or
     * {@code gate.maxDriftRatio} ({@code list[0].name} inside arrays); null when the error is another one.
     */
    public static String duplicateField(JacksonException e) {
        if (!(e instanceof StreamReadException read) || read.getOriginalMessage() == null
                || !read.getOriginalMessage().startsWith("Duplicate field") || read.getProcessor() == null) {
            return null;
        }
        JsonParser parser = read.getProcessor();
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            parts.addFirst(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** "line L, column C" of a parse error, or "" without a location. */
    public static String where(JacksonException e) {
        return e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON array of strings, such as a tenant list DiscoverShards stored; {@code what} names it in the error. */
    public static java.util.List<String> strings(byte[] json, String what) {
        try {
            return MAPPER.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<java.util.List<String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(what + " cannot be read", e);
        }
    }
}
